//! Defaults of the `rbac.authorization.k8s.io` group (`v1`).
//!
//! Ports pkg/apis/rbac/v1/defaults.go. Roles and ClusterRoles have no defaults.

use super::json::{Obj, child_struct, default_str, is_empty_str, items_mut, str_of};

const GROUP: &str = "rbac.authorization.k8s.io";

/// Applies the defaults of one RBAC kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    if !matches!(kind, "RoleBinding" | "ClusterRoleBinding") {
        return;
    }
    // SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding
    if let Some(role_ref) = child_struct(obj, "roleRef") {
        default_str(role_ref, "apiGroup", GROUP);
    }
    // SetDefaults_Subject. ServiceAccount subjects get "", which omitempty hides.
    for s in items_mut(obj, "subjects") {
        if is_empty_str(s, "apiGroup") && matches!(str_of(s, "kind"), Some("User" | "Group")) {
            default_str(s, "apiGroup", GROUP);
        }
    }
}
