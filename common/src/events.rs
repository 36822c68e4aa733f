//! Events from controllers and kubelets, as upstream's event broadcaster sends them: asynchronously (a
//! reconcile never waits for its events), through kube-runtime's [`Recorder`] (events.k8s.io/v1,
//! repeated events folded into a series), and behind upstream's spam filter: per reporting
//! controller and object, a burst of 25 events, then one per 5 minutes.

use std::collections::HashMap;
use std::time::Instant;

use k8s_openapi::api::core::v1::ObjectReference;
use kube::Client;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use tokio::sync::mpsc;

const SPAM_BURST: f64 = 25.0;
const SPAM_REFILL_PER_SECOND: f64 = 1.0 / 300.0;
/// Events waiting to be sent; more are dropped (logged), as upstream's broadcaster drops.
const QUEUE: usize = 1000;

/// Sends the events of one controller (its name is the events' `reportingController`).
#[derive(Clone)]
pub struct EventRecorder {
    sender: Option<mpsc::Sender<(Event, ObjectReference)>>,
}

impl EventRecorder {
    /// A recorder for `controller`, whose sending task runs on the current runtime.
    pub fn new(client: Client, controller: &str) -> Self {
        Self::with_instance(client, controller, None)
    }

    /// A recorder whose events also name the reporting instance (the kubelet's node name,
    /// which `kubectl describe` shows after the component).
    pub fn with_instance(client: Client, controller: &str, instance: Option<String>) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let recorder = Recorder::new(
            client,
            Reporter {
                controller: controller.to_owned(),
                instance,
            },
        );
        tokio::spawn(send(recorder, receiver));
        Self {
            sender: Some(sender),
        }
    }

    /// A recorder that drops every event, for tests of a controller's decisions.
    pub fn discard() -> Self {
        Self { sender: None }
    }

    /// Records a Normal event about `regarding`.
    pub fn normal(&self, regarding: ObjectReference, reason: &str, action: &str, note: String) {
        self.record(regarding, EventType::Normal, reason, action, note);
    }

    /// Records a Warning event about `regarding`.
    pub fn warning(&self, regarding: ObjectReference, reason: &str, action: &str, note: String) {
        self.record(regarding, EventType::Warning, reason, action, note);
    }

    fn record(
        &self,
        regarding: ObjectReference,
        type_: EventType,
        reason: &str,
        action: &str,
        note: String,
    ) {
        let Some(sender) = &self.sender else { return };
        let event = Event {
            type_,
            reason: reason.to_owned(),
            note: Some(note),
            action: action.to_owned(),
            secondary: None,
        };
        if sender.try_send((event, regarding)).is_err() {
            tracing::warn!(reason, "event queue full; dropping an event");
        }
    }
}

async fn send(recorder: Recorder, mut receiver: mpsc::Receiver<(Event, ObjectReference)>) {
    // Token buckets per object (upstream keys the spam filter by source and object).
    let mut buckets: HashMap<String, (f64, Instant)> = HashMap::new();
    while let Some((event, regarding)) = receiver.recv().await {
        let key = format!(
            "{}/{}/{}/{}",
            regarding.kind.as_deref().unwrap_or_default(),
            regarding.namespace.as_deref().unwrap_or_default(),
            regarding.name.as_deref().unwrap_or_default(),
            regarding.uid.as_deref().unwrap_or_default()
        );
        let now = Instant::now();
        let (tokens, updated) = buckets.entry(key).or_insert((SPAM_BURST, now));
        *tokens = (*tokens + now.duration_since(*updated).as_secs_f64() * SPAM_REFILL_PER_SECOND)
            .min(SPAM_BURST);
        *updated = now;
        if *tokens < 1.0 {
            continue;
        }
        *tokens -= 1.0;
        if buckets.len() > 10_000 {
            buckets.retain(|_, (tokens, _)| *tokens < SPAM_BURST);
        }
        if let Err(error) = recorder.publish(&event, &regarding).await {
            tracing::debug!(%error, reason = %event.reason, "could not send an event");
        }
    }
}

/// The reference of `object` for an event's `regarding`.
pub fn reference_of<K: kube::Resource<DynamicType = ()>>(object: &K) -> ObjectReference {
    let meta = object.meta();
    ObjectReference {
        api_version: Some(K::api_version(&()).into_owned()),
        kind: Some(K::kind(&()).into_owned()),
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        field_path: None,
    }
}
