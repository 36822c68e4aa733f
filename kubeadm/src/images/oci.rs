//! A writer of OCI image archives (the `oci-archive` transport: a tar of an OCI image layout).
//!
//! One image per archive, with one uncompressed tar layer: `oci-layout`, `index.json` (naming
//! the image with the `org.opencontainers.image.ref.name` and `io.containerd.image.name`
//! annotations, which `ctr images import` and `skopeo` read), the manifest, the config and the
//! layer under `blobs/sha256/`. Every tar entry has mtime 0, uid and gid 0 and no user names,
//! and the JSON documents have a fixed field order, so the same inputs give the same digests.
//!
//! The archive is written to `NAME.tar.partial` and renamed into place, so a kubelet watching
//! the folder never imports half a file.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::{Error, Result};

pub const MEDIA_TYPE_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_TYPE_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MEDIA_TYPE_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
/// The annotation the OCI image layout uses for an image's reference.
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The annotation containerd's importer reads for the full image name.
pub const ANNOTATION_CONTAINERD_NAME: &str = "io.containerd.image.name";

/// `sha256:<hex>` of `data`.
pub fn sha256_digest(data: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest.as_ref() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The root filesystem of an image as one tar layer, built in memory. Parent folders are
/// added on demand (mode 0755), so entries may be given in any order.
pub struct Layer {
    builder: tar::Builder<Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl Default for Layer {
    fn default() -> Self {
        Self::new()
    }
}

impl Layer {
    pub fn new() -> Self {
        let mut builder = tar::Builder::new(Vec::new());
        builder.mode(tar::HeaderMode::Deterministic);
        Layer {
            builder,
            dirs: BTreeSet::new(),
        }
    }

    fn header(kind: tar::EntryType, mode: u32, size: u64) -> tar::Header {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(size);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header
    }

    fn clean(path: &str) -> Result<String> {
        let clean = path.trim_matches('/');
        if clean.is_empty() || clean.split('/').any(|part| part.is_empty() || part == "..") {
            return Err(Error::Layer {
                path: path.to_owned(),
                message: "not a clean relative path".to_owned(),
            });
        }
        Ok(clean.to_owned())
    }

    fn tar_error(path: &str) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |error| Error::Layer {
            path: path.to_owned(),
            message: error.to_string(),
        }
    }

    fn parents(&mut self, path: &str) -> Result<()> {
        let mut parent = String::new();
        let parts: Vec<&str> = path.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            if !parent.is_empty() {
                parent.push('/');
            }
            parent.push_str(part);
            let owned = parent.clone();
            self.dir_entry(&owned, 0o755)?;
        }
        Ok(())
    }

    fn dir_entry(&mut self, path: &str, mode: u32) -> Result<()> {
        if !self.dirs.insert(path.to_owned()) {
            return Ok(());
        }
        let mut header = Self::header(tar::EntryType::Directory, mode, 0);
        self.builder
            .append_data(&mut header, format!("{path}/"), std::io::empty())
            .map_err(Self::tar_error(path))
    }

    /// A folder with `mode` (for example 0o1777 for `/tmp`).
    pub fn dir(&mut self, path: &str, mode: u32) -> Result<()> {
        let path = Self::clean(path)?;
        self.parents(&path)?;
        self.dir_entry(&path, mode)
    }

    /// A regular file holding `data`.
    pub fn file(&mut self, path: &str, mode: u32, data: &[u8]) -> Result<()> {
        let path = Self::clean(path)?;
        self.parents(&path)?;
        let mut header = Self::header(tar::EntryType::Regular, mode, data.len() as u64);
        self.builder
            .append_data(&mut header, &path, data)
            .map_err(Self::tar_error(&path))
    }

    /// A symbolic link at `path` pointing to `target`.
    pub fn symlink(&mut self, path: &str, target: &str) -> Result<()> {
        let path = Self::clean(path)?;
        self.parents(&path)?;
        let mut header = Self::header(tar::EntryType::Symlink, 0o777, 0);
        self.builder
            .append_link(&mut header, &path, target)
            .map_err(Self::tar_error(&path))
    }

    /// The finished layer tar.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.builder.into_inner().map_err(|error| Error::Layer {
            path: String::new(),
            message: error.to_string(),
        })
    }
}

/// The runtime part of an image config (`config` in the OCI image config document).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RuntimeConfig {
    #[serde(rename = "User", skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(rename = "Env", skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<String>,
    #[serde(rename = "Entrypoint", skip_serializing_if = "Vec::is_empty")]
    pub entrypoint: Vec<String>,
    #[serde(rename = "Cmd", skip_serializing_if = "Vec::is_empty")]
    pub cmd: Vec<String>,
    #[serde(rename = "WorkingDir", skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
}

#[derive(Serialize)]
struct RootFs<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: [&'a str; 1],
}

#[derive(Serialize)]
struct ConfigDocument<'a> {
    architecture: &'static str,
    os: &'static str,
    config: &'a RuntimeConfig,
    rootfs: RootFs<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    media_type: &'static str,
    digest: &'a str,
    size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<Annotations<'a>>,
}

#[derive(Serialize)]
struct Annotations<'a> {
    #[serde(rename = "io.containerd.image.name")]
    containerd_name: &'a str,
    #[serde(rename = "org.opencontainers.image.ref.name")]
    ref_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a> {
    schema_version: u32,
    media_type: &'static str,
    config: Descriptor<'a>,
    layers: [Descriptor<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Index<'a> {
    schema_version: u32,
    manifests: [Descriptor<'a>; 1],
}

/// What [`write_archive`] wrote: the digests that identify the image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveDigests {
    /// The manifest digest (what `ctr images ls` and CRI's `repoDigests` show).
    pub manifest: String,
    /// The config digest: the image ID that CRI reports.
    pub config: String,
    /// The layer's digest (uncompressed, so also its diff ID).
    pub layer: String,
}

fn json(value: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|error| Error::Layer {
        path: String::new(),
        message: error.to_string(),
    })
}

/// The bytes of an OCI archive holding one image named `name` (a full reference such as
/// `registry.k8s.io/pause:3.10`), for amd64 Linux.
pub fn archive_bytes(
    name: &str,
    layer: &[u8],
    config: &RuntimeConfig,
) -> Result<(Vec<u8>, ArchiveDigests)> {
    let layer_digest = sha256_digest(layer);
    let config_doc = json(&ConfigDocument {
        architecture: "amd64",
        os: "linux",
        config,
        rootfs: RootFs {
            kind: "layers",
            diff_ids: [&layer_digest],
        },
    })?;
    let config_digest = sha256_digest(&config_doc);
    let manifest = json(&Manifest {
        schema_version: 2,
        media_type: MEDIA_TYPE_MANIFEST,
        config: Descriptor {
            media_type: MEDIA_TYPE_CONFIG,
            digest: &config_digest,
            size: config_doc.len(),
            annotations: None,
        },
        layers: [Descriptor {
            media_type: MEDIA_TYPE_LAYER,
            digest: &layer_digest,
            size: layer.len(),
            annotations: None,
        }],
    })?;
    let manifest_digest = sha256_digest(&manifest);
    let index = json(&Index {
        schema_version: 2,
        manifests: [Descriptor {
            media_type: MEDIA_TYPE_MANIFEST,
            digest: &manifest_digest,
            size: manifest.len(),
            annotations: Some(Annotations {
                containerd_name: name,
                ref_name: name,
            }),
        }],
    })?;

    let mut outer = Layer::new();
    outer.file("oci-layout", 0o644, br#"{"imageLayoutVersion":"1.0.0"}"#)?;
    outer.file("index.json", 0o644, &index)?;
    for (digest, data) in [
        (&manifest_digest, &manifest[..]),
        (&config_digest, &config_doc[..]),
        (&layer_digest, layer),
    ] {
        let hex = digest.trim_start_matches("sha256:");
        outer.file(&format!("blobs/sha256/{hex}"), 0o644, data)?;
    }
    Ok((
        outer.finish()?,
        ArchiveDigests {
            manifest: manifest_digest,
            config: config_digest,
            layer: layer_digest,
        },
    ))
}

/// Writes the archive of [`archive_bytes`] to `path`, atomically (a `.partial` file renamed
/// into place).
pub fn write_archive(
    path: &Path,
    name: &str,
    layer: &[u8],
    config: &RuntimeConfig,
) -> Result<ArchiveDigests> {
    let (bytes, digests) = archive_bytes(name, layer, config)?;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::create(&partial).map_err(io)?;
    file.write_all(&bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&partial, path).map_err(io)?;
    Ok(digests)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, u64)> {
        let mut archive = tar::Archive::new(bytes);
        let mut out = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mtime = entry.header().mtime().unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
            out.push((path, data, mtime));
        }
        out
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn layer_adds_parents_and_rejects_escapes() {
        let mut layer = Layer::new();
        layer.file("usr/bin/tool", 0o755, b"x").unwrap();
        layer.symlink("usr/bin/alias", "/usr/bin/tool").unwrap();
        assert!(layer.file("../etc/passwd", 0o644, b"").is_err());
        let names: Vec<String> = entries(&layer.finish().unwrap())
            .into_iter()
            .map(|(name, _, _)| name)
            .collect();
        assert_eq!(names, ["usr/", "usr/bin/", "usr/bin/tool", "usr/bin/alias"]);
    }

    #[test]
    fn archive_is_deterministic_and_well_formed() {
        let mut layer = Layer::new();
        layer.file("hello", 0o755, b"hi").unwrap();
        let layer = layer.finish().unwrap();
        let config = RuntimeConfig {
            entrypoint: vec!["/hello".to_owned()],
            ..RuntimeConfig::default()
        };
        let (first, digests) = archive_bytes("example.com/hello:1", &layer, &config).unwrap();
        let (second, _) = archive_bytes("example.com/hello:1", &layer, &config).unwrap();
        assert_eq!(first, second);

        let files = entries(&first);
        assert!(files.iter().all(|(_, _, mtime)| *mtime == 0));
        let find = |name: &str| {
            files
                .iter()
                .find(|(path, _, _)| path == name)
                .map(|(_, data, _)| data.clone())
                .unwrap()
        };
        let index: serde_json::Value = serde_json::from_slice(&find("index.json")).unwrap();
        let descriptor = &index["manifests"][0];
        assert_eq!(descriptor["digest"], digests.manifest.as_str());
        assert_eq!(
            descriptor["annotations"][ANNOTATION_REF_NAME],
            "example.com/hello:1"
        );
        assert_eq!(
            descriptor["annotations"][ANNOTATION_CONTAINERD_NAME],
            "example.com/hello:1"
        );
        let manifest_blob = find(&format!(
            "blobs/sha256/{}",
            digests.manifest.trim_start_matches("sha256:")
        ));
        assert_eq!(sha256_digest(&manifest_blob), digests.manifest);
        let manifest: serde_json::Value = serde_json::from_slice(&manifest_blob).unwrap();
        assert_eq!(manifest["config"]["digest"], digests.config.as_str());
        assert_eq!(manifest["layers"][0]["digest"], digests.layer.as_str());
        let config_blob = find(&format!(
            "blobs/sha256/{}",
            digests.config.trim_start_matches("sha256:")
        ));
        let config: serde_json::Value = serde_json::from_slice(&config_blob).unwrap();
        assert_eq!(config["rootfs"]["diff_ids"][0], digests.layer.as_str());
        assert_eq!(config["config"]["Entrypoint"][0], "/hello");
        assert_eq!(config["os"], "linux");
        assert_eq!(config["architecture"], "amd64");
    }
}
