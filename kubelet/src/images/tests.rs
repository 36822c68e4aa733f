//! Tests of the image importer: command choice, archive names, change tracking, and a real
//! import into the runtime at `KUBELET_TEST_CRI_ENDPOINT` (a tiny image of a unique name,
//! removed again).

use super::*;

use kubeadm::images::oci;

fn tiny_archive(dir: &Path, file: &str, name: &str, content: &[u8]) -> PathBuf {
    let mut layer = oci::Layer::new();
    layer.file("hello.txt", 0o644, content).unwrap();
    let layer = layer.finish().unwrap();
    let path = dir.join(file);
    oci::write_archive(&path, name, &layer, &oci::RuntimeConfig::default()).unwrap();
    path
}

#[test]
fn importer_by_runtime_name() {
    assert_eq!(
        Importer::for_runtime("containerd", "unix:///run/containerd/containerd.sock").unwrap(),
        Importer::Containerd {
            socket: PathBuf::from("/run/containerd/containerd.sock")
        }
    );
    assert_eq!(
        Importer::for_runtime("cri-o", "unix:///run/crio/crio.sock").unwrap(),
        Importer::CriO
    );
    assert!(matches!(
        Importer::for_runtime("docker", "unix:///x.sock"),
        Err(Error::UnsupportedRuntime(_))
    ));
}

#[test]
fn commands_per_runtime() {
    let names = vec!["registry.k8s.io/pause:3.10".to_owned()];
    let containerd = Importer::Containerd {
        socket: PathBuf::from("/run/c.sock"),
    };
    assert_eq!(
        containerd.commands(Path::new("/i/pause.tar"), &names),
        [[
            "ctr",
            "--address",
            "/run/c.sock",
            "-n",
            "k8s.io",
            "images",
            "import",
            "--all-platforms",
            "/i/pause.tar"
        ]]
    );
    assert_eq!(
        Importer::CriO.commands(Path::new("/i/pause.tar"), &names),
        [[
            "skopeo",
            "copy",
            "oci-archive:/i/pause.tar:registry.k8s.io/pause:3.10",
            "containers-storage:registry.k8s.io/pause:3.10"
        ]]
    );
}

#[test]
fn names_from_archives() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_archive(dir.path(), "a.tar", "example.com/a:1", b"a");
    assert_eq!(archive_image_names(&path).unwrap(), ["example.com/a:1"]);
    let junk = dir.path().join("junk.tar");
    std::fs::write(&junk, b"not a tar at all").unwrap();
    assert!(archive_image_names(&junk).is_err());
    assert!(archive_image_names(&dir.path().join("missing.tar")).is_err());
}

#[tokio::test]
async fn scan_sees_only_tar_files_and_their_changes() {
    let dir = tempfile::tempdir().unwrap();
    assert!(scan(&dir.path().join("missing")).await.unwrap().is_empty());
    tiny_archive(dir.path(), "b.tar", "example.com/b:1", b"b");
    tiny_archive(dir.path(), "a.tar", "example.com/a:1", b"a");
    std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
    std::fs::create_dir(dir.path().join("dir.tar")).unwrap();
    let found = scan(dir.path()).await.unwrap();
    let names: Vec<_> = found
        .iter()
        .map(|(path, _)| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.tar", "b.tar"]);

    let mut state = ImportState::default();
    let (path, stamp) = found[0].clone();
    let now = Instant::now();
    assert!(state.wants(&path, stamp, now));
    state.done.insert(path.clone(), stamp);
    assert!(!state.wants(&path, stamp, now));
    let changed = Stamp {
        len: stamp.len + 1,
        ..stamp
    };
    assert!(state.wants(&path, changed, now));
    state.done.remove(&path);
    state.failed.insert(path.clone(), (stamp, now));
    assert!(!state.wants(&path, stamp, now));
    assert!(state.wants(&path, stamp, now + RETRY_INTERVAL));
    assert!(state.wants(&path, changed, now));
}

/// Removes the test's image from the runtime, also when the test fails.
struct RemoveImage {
    endpoint: String,
    name: String,
}

impl Drop for RemoveImage {
    fn drop(&mut self) {
        let endpoint = self.endpoint.clone();
        let name = self.name.clone();
        // A fresh thread and connection: the test's runtime is blocked in this drop, so a
        // client bound to it could not make progress.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let Ok(cri) = RuntimeClient::connect(&endpoint, Duration::from_secs(10)).await
                else {
                    return;
                };
                let _ = cri
                    .remove_image(v1::RemoveImageRequest {
                        image: Some(v1::ImageSpec {
                            image: name,
                            ..Default::default()
                        }),
                    })
                    .await;
            });
        })
        .join();
    }
}

async fn image_id(cri: &RuntimeClient, name: &str) -> Option<String> {
    cri.image_status(v1::ImageStatusRequest {
        image: Some(v1::ImageSpec {
            image: name.to_owned(),
            ..Default::default()
        }),
        verbose: false,
    })
    .await
    .ok()?
    .image
    .map(|image| image.id)
}

#[tokio::test]
async fn imports_into_the_runtime_at_start_and_on_change() {
    let Ok(endpoint) = std::env::var("KUBELET_TEST_CRI_ENDPOINT") else {
        eprintln!("skipping: KUBELET_TEST_CRI_ENDPOINT is not set");
        return;
    };
    let cri = RuntimeClient::connect(&endpoint, Duration::from_secs(30))
        .await
        .unwrap();
    let suffix: u32 = rand::random();
    let name = format!("localhost/kubelet-images-test-{suffix:08x}:1");
    let _guard = RemoveImage {
        endpoint: endpoint.clone(),
        name: name.clone(),
    };
    let dir = tempfile::tempdir().unwrap();
    tiny_archive(dir.path(), "test.tar", &name, b"first");

    import_now(dir.path(), &cri, &endpoint).await.unwrap();
    let first = image_id(&cri, &name).await.expect("imported at start");

    let shutdown = Shutdown::new();
    let task = tokio::spawn(run_importer(
        dir.path().to_owned(),
        cri.clone(),
        endpoint.clone(),
        shutdown.clone(),
    ));
    // A changed archive under the same name replaces the image.
    tiny_archive(dir.path(), "test.tar", &name, b"second, longer");
    let deadline = Instant::now() + Duration::from_secs(30);
    let second = loop {
        if let Some(id) = image_id(&cri, &name).await
            && id != first
        {
            break id;
        }
        assert!(
            Instant::now() < deadline,
            "the changed archive was not imported"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_ne!(first, second);
    shutdown.trigger();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("importer stops on shutdown")
        .unwrap();
}
