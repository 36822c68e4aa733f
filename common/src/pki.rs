//! Certificates on rcgen, shaped like kubeadm's PKI (`cmd/kubeadm/app/util/pkiutil`).
//!
//! * A self-signed CA with CN `kubernetes`, valid 10 years.
//! * Serving certificates (server auth) with DNS and IP SANs, valid 1 year.
//! * Client certificates (client auth) with CN = user and one O per group (at most two, an
//!   rcgen limit), valid 1 year; the API server reads the user and groups from these fields.
//!
//! Every `notBefore` is backdated by 5 minutes, as kubeadm does, to tolerate small clock jumps.
//! Keys are ECDSA P-256 (kubeadm's `ECDSA-P256` algorithm): ring cannot generate RSA keys. Output
//! is PEM: certificates as `CERTIFICATE`, keys as PKCS#8 `PRIVATE KEY`.

use std::{
    net::IpAddr,
    time::{Duration, SystemTime},
};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls_pki_types::CertificateDer;

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// rcgen failed (bad SAN, unparsable PEM, signing error, ...).
    #[error("certificate generation: {0}")]
    Rcgen(#[from] rcgen::Error),
    /// The CA certificate PEM could not be parsed.
    #[error("parsing CA certificate: {0}")]
    Tls(#[from] crate::tls::Error),
    /// rcgen can put at most two O attributes into a subject; kubeadm's certificates carry at
    /// most one group.
    #[error("a client certificate carries at most 2 groups, got {0}")]
    TooManyGroups(usize),
    /// The system clock is before the Unix epoch.
    #[error("system clock is before 1970")]
    Clock,
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Common name of the cluster CA, as kubeadm.
pub const CA_COMMON_NAME: &str = "kubernetes";
/// Validity of a CA certificate (kubeadm: 10 years).
pub const CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);
/// Validity of a leaf certificate (kubeadm: 1 year).
pub const CERT_VALIDITY: Duration = Duration::from_secs(365 * 24 * 3600);
/// How far `notBefore` is backdated (kubeadm's `CertificateBackdate`).
pub const CERT_BACKDATE: Duration = Duration::from_secs(5 * 60);

/// An issued certificate with its private key, in PEM.
#[derive(Clone, Debug)]
pub struct IssuedCert {
    /// The certificate (`CERTIFICATE` PEM block).
    pub cert_pem: String,
    /// The private key (PKCS#8 `PRIVATE KEY` PEM block).
    pub key_pem: String,
}

/// What goes into a serving certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServingCertSpec {
    /// Subject CN (kubeadm uses e.g. `kube-apiserver`).
    pub common_name: String,
    /// DNS SANs.
    pub dns_names: Vec<String>,
    /// IP SANs.
    pub ip_addresses: Vec<IpAddr>,
    /// Validity from now (before backdating).
    pub validity: Duration,
}

impl ServingCertSpec {
    /// A spec with this CN, no SANs and the default 1-year validity.
    pub fn new(common_name: impl Into<String>) -> Self {
        Self {
            common_name: common_name.into(),
            dns_names: Vec::new(),
            ip_addresses: Vec::new(),
            validity: CERT_VALIDITY,
        }
    }

    /// Add DNS SANs.
    pub fn with_dns_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.dns_names.extend(names.into_iter().map(Into::into));
        self
    }

    /// Add IP SANs.
    pub fn with_ip_addresses(mut self, ips: impl IntoIterator<Item = IpAddr>) -> Self {
        self.ip_addresses.extend(ips);
        self
    }
}

/// What goes into a client certificate: the user (CN) and its groups (one O each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCertSpec {
    /// User name, the subject CN (e.g. `kubernetes-admin`, `system:kube-scheduler`).
    pub user: String,
    /// Groups, one subject O each (e.g. `kubeadm:cluster-admins`, `system:nodes`).
    pub groups: Vec<String>,
    /// Validity from now (before backdating).
    pub validity: Duration,
}

impl ClientCertSpec {
    /// A spec for `user` in `groups`, with the default 1-year validity.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(
        user: impl Into<String>,
        groups: I,
    ) -> Self {
        Self {
            user: user.into(),
            groups: groups.into_iter().map(Into::into).collect(),
            validity: CERT_VALIDITY,
        }
    }
}

/// A CA able to issue certificates.
pub struct CertificateAuthority {
    cert_pem: String,
    cert_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("cert_pem", &self.cert_pem)
            .finish_non_exhaustive()
    }
}

/// `[now - backdate, now + validity]` as rcgen times.
fn validity_params(params: &mut CertificateParams, validity: Duration) -> Result<()> {
    let since_epoch = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| Error::Clock)?;
    // Whole seconds: X.509 times carry no fractions.
    let now = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(since_epoch.as_secs());
    params.not_before = now - CERT_BACKDATE;
    params.not_after = now + validity;
    Ok(())
}

/// A random positive serial number of 64 bits (top bit clear).
fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 8] = rand::random();
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01; // never a leading zero byte, so the DER length is fixed
    SerialNumber::from_slice(&bytes)
}

impl CertificateAuthority {
    /// A new self-signed CA with CN `kubernetes`, valid 10 years.
    pub fn generate() -> Result<Self> {
        Self::generate_named(CA_COMMON_NAME)
    }

    /// A new self-signed CA with the given CN (kubeadm also makes `etcd-ca`, `front-proxy-ca`).
    pub fn generate_named(common_name: &str) -> Result<Self> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name);
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.serial_number = Some(random_serial());
        validity_params(&mut params, CA_VALIDITY)?;
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }

    /// Load an existing CA (certificate and private key PEM) to issue more certificates.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self> {
        let key = KeyPair::from_pem(key_pem)?;
        let cert_der = crate::tls::parse_certificates(cert_pem.as_bytes())?
            .into_iter()
            .next()
            .ok_or(crate::tls::Error::NoCertificates)?;
        let issuer = Issuer::from_ca_cert_der(&cert_der, key)?;
        Ok(Self {
            cert_pem: cert_pem.to_owned(),
            cert_der,
            issuer,
        })
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The CA private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> String {
        self.issuer.key().serialize_pem()
    }

    fn issue(&self, mut params: CertificateParams, validity: Duration) -> Result<IssuedCert> {
        let key = KeyPair::generate()?;
        params.serial_number = Some(random_serial());
        params.use_authority_key_identifier_extension = true;
        validity_params(&mut params, validity)?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(IssuedCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// Issue a serving certificate (server auth) for `spec`.
    pub fn issue_serving(&self, spec: &ServingCertSpec) -> Result<IssuedCert> {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, spec.common_name.as_str());
        params.distinguished_name = dn;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let mut sans = Vec::with_capacity(spec.dns_names.len() + spec.ip_addresses.len());
        for name in &spec.dns_names {
            sans.push(SanType::DnsName(name.clone().try_into()?));
        }
        sans.extend(spec.ip_addresses.iter().copied().map(SanType::IpAddress));
        params.subject_alt_names = sans;
        self.issue(params, spec.validity)
    }

    /// Issue a client certificate (client auth) with CN = user and O = each group.
    pub fn issue_client(&self, spec: &ClientCertSpec) -> Result<IssuedCert> {
        let mut params = CertificateParams::default();
        // rcgen keeps one value per attribute type (rustls/rcgen#81). The O attribute is also
        // reachable as a custom type with the same OID (2.5.4.10), which yields a second O.
        let organization_types = [
            DnType::OrganizationName,
            DnType::CustomDnType(vec![2, 5, 4, 10]),
        ];
        if spec.groups.len() > organization_types.len() {
            return Err(Error::TooManyGroups(spec.groups.len()));
        }
        let mut dn = DistinguishedName::new();
        for (group, ty) in spec.groups.iter().zip(organization_types) {
            dn.push(ty, group.as_str());
        }
        dn.push(DnType::CommonName, spec.user.as_str());
        params.distinguished_name = dn;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params, spec.validity)
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use x509_parser::{extensions::GeneralName, prelude::*};

    use super::*;

    fn der(pem: &str) -> Vec<u8> {
        crate::tls::parse_certificates(pem.as_bytes()).expect("pem")[0].to_vec()
    }

    fn now_unix() -> i64 {
        jiff::Timestamp::now().as_second()
    }

    #[test]
    fn ca_is_self_signed_kubernetes_ca_valid_ten_years() {
        let ca = CertificateAuthority::generate().expect("ca");
        let der = der(ca.cert_pem());
        let (_, cert) = X509Certificate::from_der(&der).expect("parse");
        let cn: Vec<_> = cert
            .subject()
            .iter_common_name()
            .map(|c| c.as_str().unwrap_or(""))
            .collect();
        assert_eq!(cn, ["kubernetes"]);
        assert_eq!(cert.subject(), cert.issuer());
        assert!(cert.is_ca());
        let ku = cert.key_usage().expect("ku ext").expect("ku").value;
        assert!(ku.key_cert_sign());
        let nb = cert.validity().not_before.timestamp();
        let na = cert.validity().not_after.timestamp();
        let now = now_unix();
        assert!(
            (now - nb - 300).abs() <= 5,
            "backdated 5 minutes: {}",
            now - nb
        );
        assert!((na - now - CA_VALIDITY.as_secs() as i64).abs() <= 5);
        cert.verify_signature(None).expect("self-signed");
    }

    #[test]
    fn serving_cert_has_sans_server_auth_and_chains_to_ca() {
        let ca = CertificateAuthority::generate().expect("ca");
        let spec = ServingCertSpec::new("kube-apiserver")
            .with_dns_names(["localhost", "kubernetes.default.svc"])
            .with_ip_addresses([
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                "10.96.0.1".parse().expect("ip"),
            ]);
        let issued = ca.issue_serving(&spec).expect("issue");
        let der = der(&issued.cert_pem);
        let (_, cert) = X509Certificate::from_der(&der).expect("parse");
        let ca_der = der_of(&ca);
        let (_, ca_cert) = X509Certificate::from_der(&ca_der).expect("ca");
        assert_eq!(cert.issuer(), ca_cert.subject());
        cert.verify_signature(Some(ca_cert.public_key()))
            .expect("signed by CA");
        assert!(!cert.is_ca());
        let san = cert
            .subject_alternative_name()
            .expect("ext")
            .expect("san")
            .value;
        let mut dns = Vec::new();
        let mut ips = Vec::new();
        for name in &san.general_names {
            match name {
                GeneralName::DNSName(d) => dns.push(d.to_string()),
                GeneralName::IPAddress(ip) => ips.push(ip.to_vec()),
                _ => {}
            }
        }
        assert_eq!(dns, ["localhost", "kubernetes.default.svc"]);
        assert_eq!(ips, [vec![127, 0, 0, 1], vec![10, 96, 0, 1]]);
        let eku = cert.extended_key_usage().expect("ext").expect("eku").value;
        assert!(eku.server_auth && !eku.client_auth);
        let na = cert.validity().not_after.timestamp();
        assert!((na - now_unix() - CERT_VALIDITY.as_secs() as i64).abs() <= 5);
        assert!(issued.key_pem.contains("BEGIN PRIVATE KEY"));
    }

    fn der_of(ca: &CertificateAuthority) -> Vec<u8> {
        ca.cert_der().to_vec()
    }

    #[test]
    fn client_cert_carries_user_and_groups() {
        let ca = CertificateAuthority::generate().expect("ca");
        let issued = ca
            .issue_client(&ClientCertSpec::new(
                "kubernetes-admin",
                ["kubeadm:cluster-admins", "system:masters"],
            ))
            .expect("issue");
        let der = der(&issued.cert_pem);
        let (_, cert) = X509Certificate::from_der(&der).expect("parse");
        let cn: Vec<_> = cert
            .subject()
            .iter_common_name()
            .map(|c| c.as_str().unwrap_or(""))
            .collect();
        let orgs: Vec<_> = cert
            .subject()
            .iter_organization()
            .map(|o| o.as_str().unwrap_or(""))
            .collect();
        assert_eq!(cn, ["kubernetes-admin"]);
        assert_eq!(orgs, ["kubeadm:cluster-admins", "system:masters"]);
        let eku = cert.extended_key_usage().expect("ext").expect("eku").value;
        assert!(eku.client_auth && !eku.server_auth);
    }

    #[test]
    fn loaded_ca_issues_certs_that_verify_against_original() {
        let ca = CertificateAuthority::generate().expect("ca");
        let loaded = CertificateAuthority::from_pem(ca.cert_pem(), &ca.key_pem()).expect("load");
        let issued = loaded
            .issue_client(&ClientCertSpec::new(
                "system:kube-scheduler",
                Vec::<String>::new(),
            ))
            .expect("issue");
        let der = der(&issued.cert_pem);
        let (_, cert) = X509Certificate::from_der(&der).expect("parse");
        let ca_der = der_of(&ca);
        let (_, ca_cert) = X509Certificate::from_der(&ca_der).expect("ca");
        cert.verify_signature(Some(ca_cert.public_key()))
            .expect("signed by original CA");
        assert_eq!(cert.issuer(), ca_cert.subject());
        // A different CA does not verify it.
        let other = CertificateAuthority::generate().expect("other");
        let other_der = der_of(&other);
        let (_, other_cert) = X509Certificate::from_der(&other_der).expect("other");
        assert!(
            cert.verify_signature(Some(other_cert.public_key()))
                .is_err()
        );
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(CertificateAuthority::from_pem("nope", "nope").is_err());
        let ca = CertificateAuthority::generate().expect("ca");
        let bad = ServingCertSpec::new("x").with_dns_names(["b\u{e4}d.example"]);
        assert!(ca.issue_serving(&bad).is_err());
        let too_many = ClientCertSpec::new("u", ["a", "b", "c"]);
        assert!(matches!(
            ca.issue_client(&too_many),
            Err(Error::TooManyGroups(3))
        ));
    }
}
