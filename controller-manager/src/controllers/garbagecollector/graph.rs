//! The dependency graph (upstream's `graph.go` and `GraphBuilder.processGraphChanges`): one
//! node per object uid with its owner references and the uids of its dependents. Owners seen
//! only through a dependent's reference are *virtual* nodes until a watch observes them.
//!
//! Processing an observed (or virtual) change updates the graph and says which nodes the
//! workers must look at ([`Work`]); nothing here talks to the API server.

use std::collections::{HashMap, HashSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

/// `metav1.FinalizerOrphanDependents`.
pub const FINALIZER_ORPHAN: &str = "orphan";
/// `metav1.FinalizerDeleteDependents`.
pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";

/// Who an object is: its coordinates and uid (upstream's `objectReference`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Identity {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub uid: String,
}

impl Identity {
    /// The identity an owner reference names, seen from a dependent in `namespace`.
    pub fn of_owner(owner: &OwnerReference, namespace: &str) -> Self {
        Identity {
            api_version: owner.api_version.clone(),
            kind: owner.kind.clone(),
            name: owner.name.clone(),
            namespace: namespace.to_owned(),
            uid: owner.uid.clone(),
        }
    }

    /// Whether `owner` names this identity by the same coordinates
    /// (`ownerReferenceMatchesCoordinates`).
    fn matches(&self, owner: &OwnerReference) -> bool {
        owner.uid == self.uid
            && owner.name == self.name
            && owner.kind == self.kind
            && owner.api_version == self.api_version
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}/{}, namespace: {}, name: {}, uid: {}]",
            self.api_version, self.kind, self.namespace, self.name, self.uid
        )
    }
}

/// What a watch saw of an object: only what the garbage collector needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    pub identity: Identity,
    pub owners: Vec<OwnerReference>,
    pub deleting: bool,
    pub finalizers: Vec<String>,
}

impl Observed {
    fn has_finalizer(&self, name: &str) -> bool {
        self.finalizers.iter().any(|f| f == name)
    }

    fn deleting_with(&self, finalizer: &str) -> bool {
        self.deleting && self.has_finalizer(finalizer)
    }
}

/// A change the graph processes.
#[derive(Clone, Debug)]
pub enum Change {
    /// Added or updated, with the previous state the watch had, if any.
    Upsert {
        old: Option<Observed>,
        new: Observed,
    },
    /// Deleted, as a watch saw it.
    Deleted(Observed),
    /// A worker found that no object has this identity (upstream's virtual delete event).
    Absent(Identity),
}

/// One node of the graph.
#[derive(Clone, Debug)]
pub struct Node {
    pub identity: Identity,
    pub owners: Vec<OwnerReference>,
    pub dependents: HashSet<String>,
    pub being_deleted: bool,
    pub deleting_dependents: bool,
    /// Not (yet) observed by a watch: only known from a dependent's owner reference.
    pub virtual_: bool,
}

impl Node {
    fn new(identity: Identity) -> Self {
        Node {
            identity,
            owners: Vec::new(),
            dependents: HashSet::new(),
            being_deleted: false,
            deleting_dependents: false,
            virtual_: true,
        }
    }

    /// Whether this node blocks the deletion of the owner `uid` (`blockOwnerDeletion`).
    fn blocks(&self, uid: &str) -> bool {
        self.owners
            .iter()
            .any(|o| o.uid == uid && o.block_owner_deletion == Some(true))
    }
}

/// What the workers must do after a change: node uids for `attemptToDelete` and
/// `attemptToOrphan`.
#[derive(Debug, Default, PartialEq)]
pub struct Work {
    pub attempt_to_delete: Vec<String>,
    pub attempt_to_orphan: Vec<String>,
}

/// A dependent as a worker sees it.
#[derive(Clone, Debug)]
pub struct DependentView {
    pub identity: Identity,
    pub deleting_dependents: bool,
    pub blocks_owner: bool,
}

/// A node as a worker sees it: a copy, taken under the graph's lock.
#[derive(Clone, Debug)]
pub struct NodeView {
    pub identity: Identity,
    pub virtual_: bool,
    pub being_deleted: bool,
    pub deleting_dependents: bool,
    pub dependents: Vec<DependentView>,
}

impl NodeView {
    /// The dependents that block this node's deletion (`blockingDependents`).
    pub fn blocking_dependents(&self) -> impl Iterator<Item = &DependentView> {
        self.dependents.iter().filter(|d| d.blocks_owner)
    }
}

/// Every node by uid.
#[derive(Default)]
pub struct Graph {
    nodes: HashMap<String, Node>,
}

impl Graph {
    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node of `uid`.
    pub fn node(&self, uid: &str) -> Option<&Node> {
        self.nodes.get(uid)
    }

    /// A worker's copy of the node of `uid`.
    pub fn view(&self, uid: &str) -> Option<NodeView> {
        let node = self.nodes.get(uid)?;
        let dependents = node
            .dependents
            .iter()
            .filter_map(|d| self.nodes.get(d))
            .map(|d| DependentView {
                identity: d.identity.clone(),
                deleting_dependents: d.deleting_dependents,
                blocks_owner: d.blocks(uid),
            })
            .collect();
        Some(NodeView {
            identity: node.identity.clone(),
            virtual_: node.virtual_,
            being_deleted: node.being_deleted,
            deleting_dependents: node.deleting_dependents,
            dependents,
        })
    }

    /// Applies one change.
    pub fn process(&mut self, change: Change) -> Work {
        let mut work = Work::default();
        match change {
            Change::Upsert { old, new } => self.upsert(old.as_ref(), &new, &mut work),
            Change::Deleted(object) => self.delete(&object.identity, false, &mut work),
            Change::Absent(identity) => self.delete(&identity, true, &mut work),
        }
        work
    }

    fn upsert(&mut self, old: Option<&Observed>, new: &Observed, work: &mut Work) {
        let uid = new.identity.uid.clone();
        // A virtual node is now observed: take the observed identity; dependents that named
        // it differently may point at something that does not exist.
        if let Some(existing) = self.nodes.get(&uid)
            && existing.virtual_
        {
            if existing.identity != new.identity {
                let dependents: Vec<String> = existing.dependents.iter().cloned().collect();
                let (_, mismatched) = self.partition_dependents(&dependents, &new.identity);
                work.attempt_to_delete.extend(mismatched);
            }
            if let Some(existing) = self.nodes.get_mut(&uid) {
                existing.identity = new.identity.clone();
                existing.virtual_ = false;
            }
        }
        let being_deleted = new.deleting;
        if !self.nodes.contains_key(&uid) {
            let mut node = Node::new(new.identity.clone());
            node.virtual_ = false;
            node.owners = new.owners.clone();
            node.being_deleted = being_deleted;
            node.deleting_dependents = new.deleting_with(FINALIZER_FOREGROUND);
            self.nodes.insert(uid.clone(), node);
            self.add_dependent_to_owners(&uid, &new.owners, work);
        } else {
            let current = self
                .nodes
                .get(&uid)
                .map(|n| n.owners.clone())
                .unwrap_or_default();
            let (added, removed, changed) = reference_diffs(&current, &new.owners);
            if !added.is_empty() || !removed.is_empty() || !changed.is_empty() {
                // Owners waiting on this dependent may be unblocked.
                let unblocked = removed
                    .iter()
                    .filter(|r| r.block_owner_deletion == Some(true))
                    .chain(changed.iter().filter_map(|(before, after)| {
                        (before.block_owner_deletion == Some(true)
                            && after.block_owner_deletion != Some(true))
                        .then_some(*before)
                    }));
                for reference in unblocked {
                    if self
                        .nodes
                        .get(&reference.uid)
                        .is_some_and(|owner| owner.deleting_dependents)
                    {
                        work.attempt_to_delete.push(reference.uid.clone());
                    }
                }
                if let Some(node) = self.nodes.get_mut(&uid) {
                    node.owners = new.owners.clone();
                }
                self.add_dependent_to_owners(&uid, &added, work);
                for reference in &removed {
                    if let Some(owner) = self.nodes.get_mut(&reference.uid) {
                        owner.dependents.remove(&uid);
                    }
                }
            }
            if being_deleted && let Some(node) = self.nodes.get_mut(&uid) {
                node.being_deleted = true;
            }
        }
        self.process_transitions(old, new, work);
    }

    /// Upstream's `processTransitions`: an owner starts waiting for its dependents to be
    /// orphaned or deleted.
    fn process_transitions(&mut self, old: Option<&Observed>, new: &Observed, work: &mut Work) {
        let uid = &new.identity.uid;
        let started = |finalizer: &str| {
            new.deleting_with(finalizer) && !old.is_some_and(|o| o.deleting_with(finalizer))
        };
        if started(FINALIZER_ORPHAN) {
            work.attempt_to_orphan.push(uid.clone());
            return;
        }
        if started(FINALIZER_FOREGROUND)
            && let Some(node) = self.nodes.get_mut(uid)
        {
            node.deleting_dependents = true;
            work.attempt_to_delete
                .extend(node.dependents.iter().cloned());
            work.attempt_to_delete.push(uid.clone());
        }
    }

    /// Links `dependent` into the dependents of `owners`, creating virtual owners (queued for
    /// a check that they exist); a reference that may not match its owner queues the
    /// dependent.
    fn add_dependent_to_owners(
        &mut self,
        dependent: &str,
        owners: &[OwnerReference],
        work: &mut Work,
    ) {
        let namespace = self
            .nodes
            .get(dependent)
            .map(|n| n.identity.namespace.clone())
            .unwrap_or_default();
        let mut suspicious = false;
        for reference in owners {
            match self.nodes.get_mut(&reference.uid) {
                None => {
                    let mut owner = Node::new(Identity::of_owner(reference, &namespace));
                    owner.dependents.insert(dependent.to_owned());
                    self.nodes.insert(reference.uid.clone(), owner);
                    work.attempt_to_delete.push(reference.uid.clone());
                }
                Some(owner) => {
                    owner.dependents.insert(dependent.to_owned());
                    // A namespaced owner in another namespace, other coordinates, or a
                    // virtual cluster-scoped owner named from a namespace (possibly a missing
                    // namespaced owner) all need the dependent's references checked.
                    let owner_namespaced = !owner.identity.namespace.is_empty();
                    let other_namespace = owner.identity.namespace != namespace;
                    suspicious |= !owner.identity.matches(reference)
                        || (other_namespace && (owner_namespaced || owner.virtual_));
                }
            }
        }
        if suspicious {
            work.attempt_to_delete.push(dependent.to_owned());
        }
    }

    /// Splits `dependents` into those whose reference to `owner` matches its coordinates and
    /// those whose does not (`partitionDependents`).
    fn partition_dependents(
        &self,
        dependents: &[String],
        owner: &Identity,
    ) -> (Vec<String>, Vec<String>) {
        let (mut matching, mut mismatched) = (Vec::new(), Vec::new());
        for uid in dependents {
            let Some(dependent) = self.nodes.get(uid) else {
                continue;
            };
            let (mut found_match, mut found_mismatch) = (false, false);
            if !owner.namespace.is_empty() && owner.namespace != dependent.identity.namespace {
                found_mismatch = true;
            } else {
                for reference in dependent.owners.iter().filter(|r| r.uid == owner.uid) {
                    if owner.matches(reference) {
                        found_match = true;
                    } else {
                        found_mismatch = true;
                    }
                }
            }
            if found_match {
                matching.push(uid.clone());
            }
            if found_mismatch {
                mismatched.push(uid.clone());
            }
        }
        (matching, mismatched)
    }

    fn delete(&mut self, identity: &Identity, virtual_event: bool, work: &mut Work) {
        let Some(existing) = self.nodes.get(&identity.uid) else {
            return;
        };
        if virtual_event {
            let dependents: Vec<String> = existing.dependents.iter().cloned().collect();
            let (matching, mismatched) = self.partition_dependents(&dependents, identity);
            let existing_virtual = existing.virtual_;
            let existing_identity = existing.identity.clone();
            if existing_virtual && !mismatched.is_empty() {
                // Some dependents name this uid by other coordinates: keep the node, and
                // check those that named the absent identity.
                work.attempt_to_delete.extend(matching);
                if existing_identity == *identity {
                    let alternative = mismatched.iter().find_map(|uid| {
                        let dependent = self.nodes.get(uid)?;
                        let reference = dependent
                            .owners
                            .iter()
                            .find(|r| r.uid == identity.uid && !identity.matches(r))?;
                        Some(Identity::of_owner(reference, &dependent.identity.namespace))
                    });
                    if let Some(alternative) = alternative
                        && let Some(node) = self.nodes.get_mut(&identity.uid)
                    {
                        node.identity = alternative;
                        work.attempt_to_delete.push(identity.uid.clone());
                    }
                }
                return;
            }
            if !existing_virtual && existing_identity != *identity {
                // An observed object is not removed on a virtual event naming it otherwise.
                work.attempt_to_delete.extend(matching);
                return;
            }
        }
        let Some(removed) = self.nodes.remove(&identity.uid) else {
            return;
        };
        for reference in &removed.owners {
            if let Some(owner) = self.nodes.get_mut(&reference.uid) {
                owner.dependents.remove(&identity.uid);
            }
        }
        work.attempt_to_delete
            .extend(removed.dependents.iter().cloned());
        for reference in &removed.owners {
            if self
                .nodes
                .get(&reference.uid)
                .is_some_and(|owner| owner.deleting_dependents)
            {
                work.attempt_to_delete.push(reference.uid.clone());
            }
        }
    }
}

type Changed<'a> = (&'a OwnerReference, &'a OwnerReference);

/// Owner references added, removed and changed (same uid) from `old` to `new`.
fn reference_diffs<'a>(
    old: &'a [OwnerReference],
    new: &'a [OwnerReference],
) -> (Vec<OwnerReference>, Vec<OwnerReference>, Vec<Changed<'a>>) {
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for reference in new {
        match old.iter().find(|o| o.uid == reference.uid) {
            None => added.push(reference.clone()),
            Some(previous) if previous != reference => changed.push((previous, reference)),
            Some(_) => {}
        }
    }
    let removed = old
        .iter()
        .filter(|o| !new.iter().any(|n| n.uid == o.uid))
        .cloned()
        .collect();
    (added, removed, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(kind: &str, name: &str, uid: &str) -> Identity {
        Identity {
            api_version: "v1".into(),
            kind: kind.into(),
            name: name.into(),
            namespace: "ns".into(),
            uid: uid.into(),
        }
    }

    fn reference(name: &str, uid: &str, block: bool) -> OwnerReference {
        OwnerReference {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            name: name.into(),
            uid: uid.into(),
            block_owner_deletion: block.then_some(true),
            controller: None,
        }
    }

    fn observed(name: &str, uid: &str, owners: Vec<OwnerReference>) -> Observed {
        Observed {
            identity: identity("ConfigMap", name, uid),
            owners,
            ..Observed::default()
        }
    }

    fn upsert(graph: &mut Graph, object: &Observed) -> Work {
        graph.process(Change::Upsert {
            old: None,
            new: object.clone(),
        })
    }

    #[test]
    fn an_unseen_owner_becomes_a_virtual_node_checked_by_the_workers() {
        let mut graph = Graph::default();
        let work = upsert(
            &mut graph,
            &observed("child", "c", vec![reference("owner", "o", false)]),
        );
        assert_eq!(work.attempt_to_delete, vec!["o".to_owned()]);
        let owner = graph.node("o").unwrap();
        assert!(owner.virtual_);
        assert!(owner.dependents.contains("c"));
        // The owner observed later is no longer virtual and needs no work.
        let work = upsert(&mut graph, &observed("owner", "o", vec![]));
        assert_eq!(work, Work::default());
        assert!(!graph.node("o").unwrap().virtual_);
    }

    #[test]
    fn a_deleted_owner_queues_its_dependents() {
        let mut graph = Graph::default();
        upsert(&mut graph, &observed("owner", "o", vec![]));
        upsert(
            &mut graph,
            &observed("child", "c", vec![reference("owner", "o", false)]),
        );
        let work = graph.process(Change::Deleted(observed("owner", "o", vec![])));
        assert_eq!(work.attempt_to_delete, vec!["c".to_owned()]);
        assert!(graph.node("o").is_none());
        assert!(graph.node("c").is_some());
    }

    #[test]
    fn foreground_and_orphan_deletion_start_on_the_transition() {
        let mut graph = Graph::default();
        let owner = observed("owner", "o", vec![]);
        upsert(&mut graph, &owner);
        upsert(
            &mut graph,
            &observed("child", "c", vec![reference("owner", "o", true)]),
        );
        let foreground = Observed {
            deleting: true,
            finalizers: vec![FINALIZER_FOREGROUND.into()],
            ..owner.clone()
        };
        let work = graph.process(Change::Upsert {
            old: Some(owner.clone()),
            new: foreground.clone(),
        });
        assert_eq!(work.attempt_to_delete, vec!["c".to_owned(), "o".to_owned()]);
        let view = graph.view("o").unwrap();
        assert!(view.deleting_dependents);
        assert_eq!(view.blocking_dependents().count(), 1);
        // No second start when nothing changed.
        let again = graph.process(Change::Upsert {
            old: Some(foreground.clone()),
            new: foreground,
        });
        assert_eq!(again, Work::default());

        let orphan = Observed {
            deleting: true,
            finalizers: vec![FINALIZER_ORPHAN.into()],
            ..observed("other", "x", vec![])
        };
        let work = upsert(&mut graph, &orphan);
        assert_eq!(work.attempt_to_orphan, vec!["x".to_owned()]);
    }

    #[test]
    fn removing_a_blocking_reference_unblocks_a_foreground_owner() {
        let mut graph = Graph::default();
        let owner = Observed {
            deleting: true,
            finalizers: vec![FINALIZER_FOREGROUND.into()],
            ..observed("owner", "o", vec![])
        };
        upsert(&mut graph, &owner);
        let child = observed("child", "c", vec![reference("owner", "o", true)]);
        upsert(&mut graph, &child);
        let work = graph.process(Change::Upsert {
            old: Some(child.clone()),
            new: observed("child", "c", vec![]),
        });
        assert_eq!(work.attempt_to_delete, vec!["o".to_owned()]);
        assert!(graph.view("o").unwrap().dependents.is_empty());
    }

    #[test]
    fn an_absent_virtual_owner_is_removed_and_its_dependents_checked() {
        let mut graph = Graph::default();
        upsert(
            &mut graph,
            &observed("child", "c", vec![reference("owner", "o", false)]),
        );
        let absent = graph.node("o").unwrap().identity.clone();
        let work = graph.process(Change::Absent(absent));
        assert_eq!(work.attempt_to_delete, vec!["c".to_owned()]);
        assert!(graph.node("o").is_none());
        // A virtual event never removes an observed object named otherwise.
        upsert(&mut graph, &observed("real", "r", vec![]));
        let work = graph.process(Change::Absent(identity("Secret", "real", "r")));
        assert_eq!(work, Work::default());
        assert!(graph.node("r").is_some());
    }
}
