//! `pods/eviction` (`pkg/registry/core/pod/storage/eviction.go`): a pod deletion that honours
//! the PodDisruptionBudget guarding the pod.
//!
//! The body is a `policy/v1` (or `policy/v1beta1`) Eviction naming the pod, with optional
//! `deleteOptions`. A pod that is done, pending or already being deleted goes without looking
//! at budgets. Otherwise the one budget whose selector matches the pod decides: a budget the
//! disruption controller has not caught up with (`observedGeneration` below `generation`) or
//! that allows no disruption refuses with 429; else `disruptionsAllowed` is decremented and the
//! pod recorded in `disruptedPods`, in a write guarded by the budget's resourceVersion. An
//! unready pod is deleted without spending the budget when the budget is healthy enough (or its
//! `unhealthyPodEvictionPolicy` is `AlwaysAllow`). The pod gets the `DisruptionTarget` condition
//! and is deleted; the answer is a `Success` Status with code 201, as upstream's create handler
//! gives it. More than one matching budget is answered with a `Failure` Status whose code is
//! 500 inside that same 201 response, as upstream does (clients read it as a 500 error).

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Response, StatusCode};
use serde_json::{Value, json};

use super::body::json_response;
use super::query::Query;
use super::resource::{decode_body_as, typed_as, with_warnings};
use super::status::{ApiError, StatusCause};
use crate::admission::namespace_lifecycle;
use crate::registry::Registry;
use crate::registry::delete::{DeleteOptions, is_deleting};
use crate::registry::list::ListOptions;
use crate::registry::object::{ObjectMeta, now_rfc3339};
use crate::registry::selector::from_label_selector_json;
use crate::registry::store::{Store, UpdateScope, WriteOptions};
use common::serving::ResponseBody;

/// How often, and how far apart, a conflicting eviction is retried (upstream's
/// `EvictionsRetry`: 20 steps of 500 ms).
const RETRY_STEPS: usize = 20;
const RETRY_PAUSE: Duration = Duration::from_millis(500);
/// Upstream's `MaxDisruptedPodSize`.
const MAX_DISRUPTED_PODS: usize = 2000;
/// `policyv1.DisruptionBudgetCause`.
const DISRUPTION_BUDGET_CAUSE: &str = "DisruptionBudget";
const VIOLATION: &str = "Cannot evict pod as it would violate the pod's disruption budget.";
const MULTIPLE_BUDGETS: &str = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

/// One POST to `pods/<name>/eviction`.
pub struct EvictionRequest<'a> {
    pub namespace: &'a str,
    /// The pod's name, from the URL.
    pub name: &'a str,
    pub headers: &'a HeaderMap,
    pub query: &'a Query,
    pub body: &'a Bytes,
    /// `dryRun=All` in the query.
    pub dry_run: bool,
}

/// What an eviction ended in, when it is not an error.
#[derive(Debug, PartialEq)]
enum Outcome {
    Evicted,
    /// More than one budget matches: upstream answers a Failure Status (code 500).
    MultipleBudgets,
}

/// Evicts the pod `request` names from `pods`, reading budgets from `registry`.
pub async fn evict(
    registry: &Registry,
    pods: &Store,
    request: &EvictionRequest<'_>,
) -> Result<Response<ResponseBody>, ApiError> {
    let object = decode_body_as(
        request.headers,
        request.body,
        &["policy/v1", "policy/v1beta1"],
        "Eviction",
    )?;
    let mut warnings = Vec::new();
    let eviction = typed_as(
        ("policy", "v1", "Eviction"),
        request.query,
        object,
        &mut warnings,
    )?;
    if let Some(namespace) = eviction.namespace()
        && !namespace.is_empty()
        && namespace != request.namespace
    {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    pods.admit_create(
        request.namespace,
        &namespace_lifecycle::name_for_create(&eviction),
    )
    .await?;
    if eviction.name().unwrap_or_default() != request.name {
        return Err(ApiError::bad_request(
            "name in URL does not match name in Eviction object",
        ));
    }
    let options = propagate_dry_run(&eviction["deleteOptions"], request.dry_run)?;
    let budgets = registry
        .get("policy", "v1", "poddisruptionbudgets")
        .ok_or_else(|| {
            ApiError::internal("PodDisruptionBudgets are not served", "no policy/v1 store")
        })?;
    let evicting = Eviction {
        pods,
        budgets: &budgets,
        namespace: request.namespace,
        name: request.name,
    };
    let status = match evicting.run(options).await? {
        Outcome::Evicted => json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Success", "code": 201}),
        Outcome::MultipleBudgets => json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": MULTIPLE_BUDGETS, "code": 500}),
    };
    with_warnings(json_response(StatusCode::CREATED, &status), &warnings)
}

/// `propagateDryRun`: the query's `dryRun` and the eviction's `deleteOptions.dryRun` must agree
/// when both are given.
fn propagate_dry_run(
    delete_options: &Value,
    query_dry_run: bool,
) -> Result<DeleteOptions, ApiError> {
    let mut options = DeleteOptions::from_json(delete_options);
    let query: Vec<&str> = if query_dry_run { vec!["All"] } else { vec![] };
    let body: Vec<&str> = delete_options["dryRun"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if body.is_empty() {
        options.dry_run = query_dry_run;
    } else if !query.is_empty() && query != body {
        return Err(ApiError::Unknown {
            code: 500,
            message: format!(
                "Non-matching dry-run options in request and content: [{}] and [{}]",
                query.join(" "),
                body.join(" ")
            ),
        });
    }
    Ok(options)
}

/// One eviction in progress.
struct Eviction<'a> {
    pods: &'a Store,
    budgets: &'a Store,
    namespace: &'a str,
    name: &'a str,
}

impl Eviction<'_> {
    async fn run(&self, options: DeleteOptions) -> Result<Outcome, ApiError> {
        let rv_unset = options.resource_version.is_none();
        // Pods that need no budget go at once; conflicts are retried unless the client pinned
        // a resourceVersion.
        let mut attempt = 1;
        let pod = loop {
            let pod = self.pods.get(Some(self.namespace), self.name).await?;
            if !can_ignore_budget(&pod) {
                break pod;
            }
            let mut delete = options.clone();
            if should_enforce_resource_version(&pod) && rv_unset {
                delete.resource_version = pod.resource_version().map(str::to_owned);
            }
            match self.add_condition_and_delete(delete).await {
                Ok(()) => return Ok(Outcome::Evicted),
                Err(e) if is_conflict(&e) && rv_unset && attempt < RETRY_STEPS => {
                    attempt += 1;
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
                Err(e) => return Err(e),
            }
        };

        let mut budgets = self.matching_budgets(&pod).await?;
        if budgets.len() > 1 {
            return Ok(Outcome::MultipleBudgets);
        }
        let mut budget_name = String::new();
        let mut pin_pod_version = false;
        if let Some(budget) = budgets.pop() {
            budget_name = budget.name().unwrap_or_default().to_owned();
            if !is_pod_ready(&pod) && unhealthy_pod_may_go(&budget) {
                // The pod does not count as healthy: deleting it spends nothing, as long as it
                // does not become ready meanwhile.
                pin_pod_version = true;
            } else {
                let write = WriteOptions {
                    dry_run: options.dry_run,
                    ..WriteOptions::default()
                };
                self.budgets
                    .update_with(
                        Some(self.namespace),
                        &budget_name,
                        UpdateScope::Status,
                        write,
                        |current| check_and_decrement(current, self.name, options.dry_run),
                    )
                    .await?;
            }
        }

        let mut delete = options.clone();
        if pin_pod_version {
            delete.resource_version = pod.resource_version().map(str::to_owned);
        }
        match self.add_condition_and_delete(delete).await {
            Ok(()) => Ok(Outcome::Evicted),
            // The pod changed since it was judged unhealthy: the client should try again.
            Err(e) if is_conflict(&e) && pin_pod_version && rv_unset => {
                Err(still_processing(&budget_name))
            }
            Err(e) => Err(e),
        }
    }

    /// The budgets in the pod's namespace whose selector matches the pod. A budget without a
    /// selector (or with a broken one) matches nothing; an empty selector matches every pod.
    async fn matching_budgets(&self, pod: &Value) -> Result<Vec<Value>, ApiError> {
        let list = self
            .budgets
            .list(Some(self.namespace), &ListOptions::default())
            .await?;
        let items = list["items"].as_array().cloned().unwrap_or_default();
        Ok(items
            .into_iter()
            .filter(|budget| {
                from_label_selector_json(&budget["spec"]["selector"])
                    .is_ok_and(|selector| selector.matches_json(pod.labels()))
            })
            .collect())
    }

    /// `addConditionAndDeletePod`: marks the pod with the `DisruptionTarget` condition (unless
    /// dry-run), then deletes it with `options`.
    async fn add_condition_and_delete(&self, mut options: DeleteOptions) -> Result<(), ApiError> {
        if !options.dry_run {
            let updated = self
                .pods
                .update_with(
                    Some(self.namespace),
                    self.name,
                    UpdateScope::Status,
                    WriteOptions::default(),
                    |current| {
                        check_pod_preconditions(current, &options)?;
                        let mut next = current.clone();
                        set_disruption_target(&mut next);
                        Ok(next)
                    },
                )
                .await?;
            if options.resource_version.is_some() {
                // This write moved the pod on; the delete is guarded by the new version.
                options.resource_version = updated.resource_version().map(str::to_owned);
            }
        }
        self.pods
            .delete(Some(self.namespace), self.name, &options)
            .await?;
        Ok(())
    }
}

fn is_conflict(error: &ApiError) -> bool {
    error.reason() == "Conflict"
}

fn phase(pod: &Value) -> &str {
    pod["status"]["phase"].as_str().unwrap_or_default()
}

/// `canIgnorePDB`: finished, pending and already deleted pods disrupt nothing more.
fn can_ignore_budget(pod: &Value) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed" | "Pending") || is_deleting(pod)
}

/// `shouldEnforceResourceVersion`: only a pod that may still become ready needs pinning.
fn should_enforce_resource_version(pod: &Value) -> bool {
    !(matches!(phase(pod), "Succeeded" | "Failed") || is_deleting(pod))
}

/// `podutil.IsPodReady`.
fn is_pod_ready(pod: &Value) -> bool {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// Whether an unready pod may be deleted without spending the budget.
fn unhealthy_pod_may_go(budget: &Value) -> bool {
    if budget["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow" {
        return true;
    }
    let status = &budget["status"];
    let (current, desired) = (
        status["currentHealthy"].as_i64().unwrap_or(0),
        status["desiredHealthy"].as_i64().unwrap_or(0),
    );
    current >= desired && desired > 0
}

/// The 429 for a budget the server has not processed yet (`createTooManyRequestsError`).
fn still_processing(budget: &str) -> ApiError {
    ApiError::TooManyRequests {
        message: VIOLATION.into(),
        retry_after_seconds: 10,
        causes: vec![StatusCause::new(
            DISRUPTION_BUDGET_CAUSE,
            &format!("The disruption budget {budget} is still being processed by the server."),
            "",
        )],
    }
}

/// A 403 on the budget, named as upstream names it (`poddisruptionbudget.policy`).
fn budget_forbidden(budget: &str, detail: &str) -> ApiError {
    ApiError::Forbidden {
        resource: "poddisruptionbudget.policy".into(),
        name: budget.into(),
        detail: detail.into(),
        causes: Vec::new(),
    }
}

/// `checkAndDecrement`: the budget as it is after this eviction, or why it refuses.
fn check_and_decrement(budget: &Value, pod: &str, dry_run: bool) -> Result<Value, ApiError> {
    let name = budget.name().unwrap_or_default();
    let status = &budget["status"];
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    if int(&status["observedGeneration"]) < int(&budget["metadata"]["generation"]) {
        return Err(still_processing(name));
    }
    let allowed = int(&status["disruptionsAllowed"]);
    if allowed < 0 {
        return Err(budget_forbidden(
            name,
            "pdb disruptions allowed is negative",
        ));
    }
    let disrupted = status["disruptedPods"].as_object().map_or(0, |m| m.len());
    if disrupted > MAX_DISRUPTED_PODS {
        return Err(budget_forbidden(
            name,
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        ));
    }
    if allowed == 0 {
        return Err(ApiError::TooManyRequests {
            message: VIOLATION.into(),
            retry_after_seconds: 0,
            causes: vec![StatusCause::new(
                DISRUPTION_BUDGET_CAUSE,
                &format!(
                    "The disruption budget {name} needs {} healthy pods and has {} currently",
                    int(&status["desiredHealthy"]),
                    int(&status["currentHealthy"])
                ),
                "",
            )],
        });
    }
    let mut next = budget.clone();
    next["status"]["disruptionsAllowed"] = json!(allowed - 1);
    if allowed - 1 == 0 {
        set_disruption_allowed_false(&mut next);
    }
    if !dry_run {
        // The disruption controller stops counting the pod as available until it is gone.
        if !next["status"]["disruptedPods"].is_object() {
            next["status"]["disruptedPods"] = json!({});
        }
        next["status"]["disruptedPods"][pod] = json!(now_rfc3339());
    }
    Ok(next)
}

/// `UpdateDisruptionAllowedCondition` once no disruption is left: `DisruptionAllowed` is
/// `False` for `InsufficientPods` (`meta.SetStatusCondition`).
fn set_disruption_allowed_false(budget: &mut Value) {
    let observed = budget["status"]["observedGeneration"].as_i64().unwrap_or(0);
    let mut conditions = budget["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    match conditions
        .iter_mut()
        .find(|c| c["type"] == "DisruptionAllowed")
    {
        Some(existing) => {
            if existing["status"] != "False" {
                existing["status"] = json!("False");
                existing["lastTransitionTime"] = json!(now_rfc3339());
            }
            existing["reason"] = json!("InsufficientPods");
            existing["message"] = json!("");
            set_observed_generation(existing, observed);
        }
        None => {
            let mut condition = json!({"type": "DisruptionAllowed", "status": "False",
                "lastTransitionTime": now_rfc3339(), "reason": "InsufficientPods", "message": ""});
            set_observed_generation(&mut condition, observed);
            conditions.push(condition);
        }
    }
    budget["status"]["conditions"] = json!(conditions);
}

fn set_observed_generation(condition: &mut Value, observed: i64) {
    if let Some(fields) = condition.as_object_mut() {
        if observed == 0 {
            fields.remove("observedGeneration");
        } else {
            fields.insert("observedGeneration".into(), json!(observed));
        }
    }
}

/// The preconditions of the eviction, checked against the pod about to be marked, with the
/// messages upstream's eviction gives them.
fn check_pod_preconditions(pod: &Value, options: &DeleteOptions) -> Result<(), ApiError> {
    let conflict = |detail: String| ApiError::Conflict {
        resource: "Pod".into(),
        name: pod.name().unwrap_or_default().into(),
        detail,
    };
    let (uid, rv) = (
        pod.uid().unwrap_or_default(),
        pod.resource_version().unwrap_or_default(),
    );
    if let Some(wanted) = options.uid.as_deref().filter(|u| !u.is_empty())
        && wanted != uid
    {
        return Err(conflict(format!(
            "the UID in the precondition ({wanted}) does not match the UID in record ({uid}). The object might have been deleted and then recreated"
        )));
    }
    if let Some(wanted) = options
        .resource_version
        .as_deref()
        .filter(|v| !v.is_empty())
        && wanted != rv
    {
        return Err(conflict(format!(
            "the ResourceVersion in the precondition ({wanted}) does not match the ResourceVersion in record ({rv}). The object might have been modified"
        )));
    }
    Ok(())
}

/// Sets the pod's `DisruptionTarget` condition (`podutil.UpdatePodCondition`): its transition
/// time moves only when its status changes.
fn set_disruption_target(pod: &mut Value) {
    let now = now_rfc3339();
    let mut conditions = pod["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut condition = json!({"type": "DisruptionTarget", "status": "True",
        "lastProbeTime": null, "lastTransitionTime": now,
        "reason": "EvictionByEvictionAPI", "message": "Eviction API: evicting"});
    match conditions
        .iter_mut()
        .find(|c| c["type"] == "DisruptionTarget")
    {
        Some(existing) => {
            if existing["status"] == "True" {
                condition["lastTransitionTime"] = existing["lastTransitionTime"].clone();
            }
            *existing = condition;
        }
        None => conditions.push(condition),
    }
    if !pod["status"].is_object() {
        pod["status"] = json!({});
    }
    pod["status"]["conditions"] = json!(conditions);
}

#[cfg(test)]
#[path = "eviction_tests.rs"]
mod tests;
