//! Defaults of the `autoscaling` group.
//!
//! `autoscaling/v2` ports pkg/apis/autoscaling/v2/defaults.go; `autoscaling/v1` ports
//! pkg/apis/autoscaling/v1/defaults.go (only `minReplicas`). The version is taken from the
//! object's `apiVersion`; anything but `autoscaling/v1` gets the v2 defaults.

use serde_json::{Value, json};

use super::json::{Obj, child_ptr, child_struct, default_ptr, is_empty_coll, is_nil};

/// Applies the defaults of one `autoscaling` kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    if kind != "HorizontalPodAutoscaler" {
        return;
    }
    let v1 = obj.get("apiVersion").and_then(Value::as_str) == Some("autoscaling/v1");
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    default_ptr(spec, "minReplicas", json!(1));
    if v1 {
        return;
    }
    // SetDefaults_HorizontalPodAutoscaler: no metrics means 80% average CPU utilization.
    if is_empty_coll(spec, "metrics") {
        spec.insert(
            "metrics".to_owned(),
            json!([{
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 80}
                }
            }]),
        );
    }
    // SetDefaults_HorizontalPodAutoscalerBehavior: only when a behavior is given.
    if let Some(behavior) = child_ptr(spec, "behavior") {
        scaling_rules(behavior, "scaleUp", true);
        scaling_rules(behavior, "scaleDown", false);
    }
}

/// `GenerateHPAScaleUpRules` / `GenerateHPAScaleDownRules`: fills each nil field of the
/// rules (creating them when nil) from the built-in defaults.
fn scaling_rules(behavior: &mut Obj, key: &str, up: bool) {
    if is_nil(behavior, key) {
        behavior.insert(key.to_owned(), json!({}));
    }
    let Some(rules) = child_ptr(behavior, key) else {
        return;
    };
    default_ptr(rules, "selectPolicy", json!("Max"));
    let policies = if up {
        default_ptr(rules, "stabilizationWindowSeconds", json!(0));
        json!([
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}
        ])
    } else {
        // Scale-down stabilization is left nil: the controller flag decides it.
        json!([{"type": "Percent", "value": 100, "periodSeconds": 15}])
    };
    default_ptr(rules, "policies", policies);
}
