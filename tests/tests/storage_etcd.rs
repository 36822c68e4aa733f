//! The etcd backend against real etcd processes: TLS with client certificates, and an etcd
//! that goes away and comes back.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::Duration;

use apiserver::storage::etcd::{EtcdOptions, EtcdStore};
use apiserver::storage::{Error, EventKind, Storage, conformance};
use bytes::Bytes;
use common::pki::{CertificateAuthority, ClientCertSpec, IssuedCert, ServingCertSpec};
use tests::etcd::{EtcdServer, EtcdTls};

fn write_pair(dir: &Path, name: &str, ca: &CertificateAuthority, cert: &IssuedCert) -> EtcdTls {
    let tls = EtcdTls {
        ca_file: dir.join("ca.crt"),
        cert_file: dir.join(format!("{name}.crt")),
        key_file: dir.join(format!("{name}.key")),
    };
    std::fs::write(&tls.ca_file, ca.cert_pem()).unwrap();
    std::fs::write(&tls.cert_file, &cert.cert_pem).unwrap();
    std::fs::write(&tls.key_file, &cert.key_pem).unwrap();
    tls
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcd_over_tls_with_client_certificates() {
    let pki = tempfile::tempdir().unwrap();
    let ca = CertificateAuthority::generate_named("etcd-ca").unwrap();
    let serving = ca
        .issue_serving(
            &ServingCertSpec::new("etcd")
                .with_dns_names(["localhost"])
                .with_ip_addresses([IpAddr::V4(Ipv4Addr::LOCALHOST)]),
        )
        .unwrap();
    let client = ca
        .issue_client(&ClientCertSpec::new(
            "kube-apiserver-etcd-client",
            ["system:masters"],
        ))
        .unwrap();
    let server_tls = write_pair(pki.path(), "server", &ca, &serving);
    let client_tls = write_pair(pki.path(), "client", &ca, &client);
    let etcd = EtcdServer::start_tls(server_tls, client_tls.clone()).unwrap();

    let mut options = EtcdOptions::new(vec![etcd.endpoint()]);
    options.ca_file = Some(client_tls.ca_file.clone());
    options.cert_file = Some(client_tls.cert_file.clone());
    options.key_file = Some(client_tls.key_file.clone());
    let store = EtcdStore::connect(options).await.unwrap();
    store.check_health().await.unwrap();
    conformance::create_if_absent(&store, "/registry/tls/").await;
    conformance::watch_from_revision(&store, "/registry/tls-watch/").await;

    // Without a client certificate etcd refuses the connection.
    let mut anonymous = EtcdOptions::new(vec![etcd.endpoint()]);
    anonymous.ca_file = Some(client_tls.ca_file);
    anonymous.request_timeout = Duration::from_secs(3);
    let store = EtcdStore::connect(anonymous).await.unwrap();
    let refused = store.check_health().await;
    assert!(matches!(refused, Err(Error::Unavailable(_))), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcd_outage_is_reported_and_survived() {
    let mut etcd = EtcdServer::start().unwrap();
    let mut options = EtcdOptions::new(vec![etcd.endpoint()]);
    options.request_timeout = Duration::from_secs(3);
    let store = EtcdStore::connect(options).await.unwrap();
    let before = store
        .create("/registry/outage/a", Bytes::from("1"), 0)
        .await
        .unwrap();
    let mut watch = store.watch("/registry/outage/", 0).await.unwrap();

    etcd.kill9().unwrap();
    let health = store.check_health().await;
    assert!(matches!(health, Err(Error::Unavailable(_))), "{health:?}");
    let write = store
        .create("/registry/outage/b", Bytes::from("2"), 0)
        .await;
    assert!(matches!(write, Err(Error::Unavailable(_))), "{write:?}");

    etcd.restart().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while store.check_health().await.is_err() {
        assert!(tokio::time::Instant::now() < deadline, "no recovery in 20s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let read = store.get("/registry/outage/a", None).await.unwrap();
    assert_eq!(read.kv, Some(before));

    // The watch opened before the outage resumes and delivers what happens after it.
    let after = store
        .create("/registry/outage/c", Bytes::from("3"), 0)
        .await
        .unwrap();
    let event = conformance::next_event(&mut watch).await.unwrap().unwrap();
    assert_eq!((event.kind, event.kv), (EventKind::Put, after));
}
