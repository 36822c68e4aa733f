//! Checks of the resource table against k8s-openapi and the upstream facts it ports.

use super::*;
use k8s_openapi::serde::{Serialize, de::DeserializeOwned};
use k8s_openapi::{ListableResource, NamespaceResourceScope, Resource};
use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};

/// Checks one table entry against the k8s-openapi type of the same resource.
fn check<T>() -> &'static ResourceInfo
where
    T: Resource + ListableResource + Default + Serialize + DeserializeOwned,
    T::Scope: 'static,
{
    let info = find(T::GROUP, T::VERSION, T::URL_PATH_SEGMENT)
        .unwrap_or_else(|| panic!("{} missing from the table", T::URL_PATH_SEGMENT));
    assert_eq!(info.kind, T::KIND);
    assert_eq!(info.api_version(), T::API_VERSION);
    assert_eq!(info.list_kind, T::LIST_KIND);
    let namespaced = TypeId::of::<T::Scope>() == TypeId::of::<NamespaceResourceScope>();
    assert_eq!(info.namespaced, namespaced, "{}", info.plural);
    assert_eq!(find_by_kind(T::GROUP, T::VERSION, T::KIND), Some(info));
    // The serialized object names the table's apiVersion and kind, and reads back.
    let value = k8s_openapi::serde_json::to_value(T::default()).unwrap();
    assert_eq!(value["apiVersion"], info.api_version().as_str());
    assert_eq!(value["kind"], info.kind);
    k8s_openapi::serde_json::from_value::<T>(value).unwrap();
    info
}

#[test]
fn every_entry_matches_k8s_openapi() {
    use k8s_openapi::api::{
        apps::v1 as apps, autoscaling::v1 as as1, autoscaling::v2 as as2, batch::v1 as batch,
        coordination::v1 as coord, core::v1 as core, discovery::v1 as disc, events::v1 as events,
        networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac, scheduling::v1 as sched,
        storage::v1 as storage,
    };
    let checked: BTreeSet<*const ResourceInfo> = [
        check::<core::ConfigMap>(),
        check::<core::Endpoints>(),
        check::<core::Event>(),
        check::<core::LimitRange>(),
        check::<core::Namespace>(),
        check::<core::Node>(),
        check::<core::PersistentVolumeClaim>(),
        check::<core::PersistentVolume>(),
        check::<core::Pod>(),
        check::<core::PodTemplate>(),
        check::<core::ReplicationController>(),
        check::<core::ResourceQuota>(),
        check::<core::Secret>(),
        check::<core::ServiceAccount>(),
        check::<core::Service>(),
        check::<apps::ControllerRevision>(),
        check::<apps::DaemonSet>(),
        check::<apps::Deployment>(),
        check::<apps::ReplicaSet>(),
        check::<apps::StatefulSet>(),
        check::<events::Event>(),
        check::<as2::HorizontalPodAutoscaler>(),
        check::<as1::HorizontalPodAutoscaler>(),
        check::<batch::CronJob>(),
        check::<batch::Job>(),
        check::<net::IngressClass>(),
        check::<net::Ingress>(),
        check::<net::NetworkPolicy>(),
        check::<policy::PodDisruptionBudget>(),
        check::<rbac::ClusterRoleBinding>(),
        check::<rbac::ClusterRole>(),
        check::<rbac::RoleBinding>(),
        check::<rbac::Role>(),
        check::<storage::StorageClass>(),
        check::<sched::PriorityClass>(),
        check::<coord::Lease>(),
        check::<disc::EndpointSlice>(),
        check::<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>(),
    ]
    .into_iter()
    .map(|r| r as *const _)
    .collect();
    assert_eq!(
        checked.len(),
        RESOURCES.len(),
        "every entry is checked once"
    );
}

#[test]
fn subresource_kinds_match_k8s_openapi() {
    use k8s_openapi::api::{authentication::v1::TokenRequest, autoscaling::v1::Scale};
    use k8s_openapi::api::{core::v1::Binding, policy::v1::Eviction};
    fn same<T: Resource>(s: &Subresource) -> bool {
        s.kind == T::KIND && s.api_version() == T::API_VERSION
    }
    for r in RESOURCES {
        for s in r.subresources {
            match s.name {
                "scale" => assert!(same::<Scale>(s)),
                "eviction" => assert!(same::<Eviction>(s)),
                "token" => assert!(same::<TokenRequest>(s)),
                "binding" => assert!(same::<Binding>(s)),
                "status" | "finalize" | "ephemeralcontainers" | "resize" | "log" => {
                    assert_eq!((s.group, s.version, s.kind), (r.group, r.version, r.kind));
                }
                _ => assert_eq!(s.api_version(), "v1", "{}/{}", r.plural, s.name),
            }
        }
    }
}

#[test]
fn no_duplicates() {
    let mut seen = BTreeSet::new();
    for r in RESOURCES {
        assert!(seen.insert((r.group, r.version, r.plural)), "{}", r.plural);
        assert_eq!(find(r.group, r.version, r.plural), Some(r));
    }
    let kinds: BTreeSet<_> = RESOURCES
        .iter()
        .map(|r| (r.group, r.version, r.kind))
        .collect();
    assert_eq!(kinds.len(), RESOURCES.len());
}

#[test]
fn short_names_are_unique_across_storages() {
    let mut owner: BTreeMap<&str, &ResourceInfo> = BTreeMap::new();
    for r in RESOURCES {
        for name in r.short_names.iter().chain([&r.plural, &r.singular]) {
            if let Some(prev) = owner.insert(name, r) {
                // Only the same objects served under two group-versions share names.
                assert!(prev.shares_storage_with(r), "{name} is used twice");
                assert_eq!(prev.plural, r.plural);
            }
        }
    }
    assert_eq!(owner["po"].plural, "pods");
    assert_eq!(owner["hpa"].plural, "horizontalpodautoscalers");
}

#[test]
fn verbs_and_subresources_are_sorted_and_known() {
    for r in RESOURCES {
        assert!(r.verbs.is_sorted(), "{}", r.plural);
        assert!(r.verbs.iter().all(|v| VERBS_ALL.contains(v)));
        let names: Vec<_> = r.subresources.iter().map(|s| s.name).collect();
        assert!(names.is_sorted(), "{}", r.plural);
        for s in r.subresources {
            assert!(s.verbs.is_sorted() && !s.verbs.is_empty());
            assert!(s.verbs.iter().all(|v| VERBS_ALL.contains(v)));
        }
    }
    let ns = find("", "v1", "namespaces").unwrap();
    assert!(!ns.supports("deletecollection") && ns.supports("delete"));
    assert_eq!(ns.subresource("finalize").unwrap().verbs, ["update"]);
    let pods = find("", "v1", "pods").unwrap();
    assert_eq!(pods.subresource("exec").unwrap().verbs, ["create", "get"]);
    assert_eq!(pods.subresource("log").unwrap().verbs, ["get"]);
    assert!(pods.subresource("resize").unwrap().supports("patch"));
    for r in RESOURCES.iter().filter(|r| r.plural != "namespaces") {
        assert_eq!(r.verbs, VERBS_ALL, "{}", r.plural);
    }
}

#[test]
fn status_and_scale_subresources() {
    let with_status: BTreeSet<_> = RESOURCES
        .iter()
        .filter(|r| r.has_status())
        .map(|r| r.plural)
        .collect();
    let expected = [
        "cronjobs",
        "customresourcedefinitions",
        "daemonsets",
        "deployments",
        "horizontalpodautoscalers",
        "ingresses",
        "jobs",
        "namespaces",
        "nodes",
        "persistentvolumeclaims",
        "persistentvolumes",
        "poddisruptionbudgets",
        "pods",
        "replicasets",
        "replicationcontrollers",
        "resourcequotas",
        "services",
        "statefulsets",
    ];
    assert_eq!(with_status, expected.into_iter().collect());
    let scaled: BTreeSet<_> = RESOURCES
        .iter()
        .filter(|r| r.subresource("scale").is_some())
        .map(|r| r.plural)
        .collect();
    let expected = [
        "deployments",
        "replicasets",
        "replicationcontrollers",
        "statefulsets",
    ];
    assert_eq!(scaled, expected.into_iter().collect());
}

#[test]
fn storage_keys() {
    let key = |g, v, p, ns, n| find(g, v, p).unwrap().storage_key(ns, n);
    assert_eq!(
        key("", "v1", "services", Some("default"), "kubernetes"),
        "/registry/services/specs/default/kubernetes"
    );
    assert_eq!(
        key("", "v1", "nodes", None, "node-1"),
        "/registry/minions/node-1"
    );
    assert_eq!(
        key("", "v1", "replicationcontrollers", Some("ns"), "rc"),
        "/registry/controllers/ns/rc"
    );
    assert_eq!(
        key("", "v1", "pods", Some("default"), "p"),
        "/registry/pods/default/p"
    );
    assert_eq!(
        key("", "v1", "endpoints", Some("default"), "kubernetes"),
        "/registry/services/endpoints/default/kubernetes"
    );
    assert_eq!(
        key("", "v1", "namespaces", Some("x"), "x"),
        "/registry/namespaces/x"
    );
    assert_eq!(
        key("networking.k8s.io", "v1", "ingresses", Some("a"), "b"),
        "/registry/ingress/a/b"
    );
    assert_eq!(
        key("apps", "v1", "deployments", Some("a"), "b"),
        "/registry/deployments/a/b"
    );
    assert_eq!(
        key("events.k8s.io", "v1", "events", Some("a"), "b"),
        "/registry/events/a/b"
    );
    let pods = find("", "v1", "pods").unwrap();
    assert_eq!(
        pods.storage_prefix(Some("default")),
        "/registry/pods/default/"
    );
    assert_eq!(pods.storage_prefix(None), "/registry/pods/");
    let ns = find("", "v1", "namespaces").unwrap();
    assert_eq!(ns.storage_prefix(Some("ignored")), "/registry/namespaces/");
}

#[test]
fn storage_prefixes_never_overlap_across_storages() {
    for a in RESOURCES {
        assert!(a.etcd_prefix.starts_with("/registry/") && !a.etcd_prefix.ends_with('/'));
        for b in RESOURCES.iter().filter(|b| !a.shares_storage_with(b)) {
            let (pa, pb) = (a.storage_prefix(None), b.storage_prefix(None));
            assert!(!pa.starts_with(&pb), "{pa} within {pb}");
        }
    }
}

#[test]
fn shared_storage() {
    let core = find("", "v1", "events").unwrap();
    let events = find("events.k8s.io", "v1", "events").unwrap();
    assert!(core.shares_storage_with(events));
    assert_eq!(events.storage_api_version(), "v1");
    let v1 = find("autoscaling", "v1", "horizontalpodautoscalers").unwrap();
    let v2 = find("autoscaling", "v2", "horizontalpodautoscalers").unwrap();
    assert!(v1.shares_storage_with(v2));
    assert_eq!(v1.storage_api_version(), "autoscaling/v2");
    assert_eq!(v1.subresource("status").unwrap().version, "v1");
    for a in RESOURCES {
        if a.shares_storage_with(core) || a.shares_storage_with(v1) {
            continue;
        }
        assert_eq!(a.storage_api_version(), a.api_version(), "{}", a.plural);
    }
    for a in RESOURCES {
        for b in RESOURCES.iter().filter(|b| a.shares_storage_with(b)) {
            assert_eq!(a.storage_version_hash, b.storage_version_hash);
            assert_eq!(a.storage_api_version(), b.storage_api_version());
            assert_eq!(a.kind, b.kind);
        }
    }
    let hashes: BTreeSet<_> = RESOURCES.iter().map(|r| r.storage_version_hash).collect();
    let prefixes: BTreeSet<_> = RESOURCES.iter().map(|r| r.etcd_prefix).collect();
    assert_eq!(hashes.len(), prefixes.len());
    assert!(hashes.iter().all(|h| h.len() == 12 && h.ends_with('=')));
}

#[test]
fn groups_cover_the_table_in_order() {
    assert!(groups().windows(2).all(|w| w[0].priority > w[1].priority));
    let served: BTreeSet<_> = RESOURCES.iter().map(|r| (r.group, r.version)).collect();
    let listed: BTreeSet<_> = std::iter::once(&CORE_GROUP)
        .chain(groups())
        .flat_map(|g| g.versions.iter().map(move |v| (g.name, *v)))
        .collect();
    assert_eq!(served, listed);
    // The table runs core first, then the groups in discovery order, preferred version first.
    let order: Vec<_> = std::iter::once(&CORE_GROUP)
        .chain(groups())
        .flat_map(|g| g.versions.iter().map(move |v| (g.name, *v)))
        .collect();
    let mut table: Vec<_> = RESOURCES.iter().map(|r| (r.group, r.version)).collect();
    table.dedup();
    assert_eq!(table, order);
    let autoscaling = find_group("autoscaling").unwrap();
    assert_eq!(autoscaling.preferred_version(), "v2");
    assert_eq!(autoscaling.versions, ["v2", "v1"]);
    assert_eq!(find_group("apps").unwrap().group_version("v1"), "apps/v1");
    assert_eq!(find_group("").unwrap().group_version("v1"), "v1");
    assert!(find_group("extensions").is_none());
    let version = String::from("v1");
    assert_eq!(resources_in("batch", &version).count(), 2);
    assert_eq!(resources_in("", "v1").count(), 15);
}

#[test]
fn names() {
    let deploy = find("apps", "v1", "deployments").unwrap();
    assert_eq!(deploy.api_version(), "apps/v1");
    assert_eq!(deploy.qualified_resource(), "deployments.apps");
    assert_eq!(deploy.qualified_kind(), "Deployment.apps");
    let pods = find("", "v1", "pods").unwrap();
    assert_eq!(pods.api_version(), "v1");
    assert_eq!(pods.qualified_resource(), "pods");
    assert_eq!(
        pods.subresource("eviction").unwrap().api_version(),
        "policy/v1"
    );
    assert!(find("", "v1", "deployments").is_none());
    assert!(find("apps", "v1beta1", "deployments").is_none());
}
