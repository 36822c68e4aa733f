//! A plugin's verdict: upstream's `framework.Status` with its codes and reasons.

/// Upstream's status codes (`pkg/scheduler/framework/interface.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The plugin ran and passed.
    Success,
    /// An internal error: the pod is retried with back-off.
    Error,
    /// The pod does not fit this node now; preemption may help.
    Unschedulable,
    /// The pod does not fit this node, and preemption on it cannot change that.
    UnschedulableAndUnresolvable,
    /// The plugin has nothing to do for this pod (PreFilter/PreScore): its later points are
    /// skipped for the cycle; at Bind, the next Bind plugin binds.
    Skip,
    /// Permit: the pod waits until every waiting plugin allows it, one rejects it, or a timeout.
    Wait,
}

/// The outcome of one plugin at one extension point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// What happened.
    pub code: Code,
    /// Human readable reasons; on a failed Filter they become the `FailedScheduling` summary.
    pub reasons: Vec<String>,
    /// The plugin that failed (set by the framework).
    pub plugin: &'static str,
}

impl Status {
    /// Success.
    pub fn success() -> Self {
        Self::new(Code::Success, Vec::new())
    }

    /// Skip the plugin's later extension points for this cycle.
    pub fn skip() -> Self {
        Self::new(Code::Skip, Vec::new())
    }

    /// `Unschedulable` with one reason.
    pub fn unschedulable(reason: impl Into<String>) -> Self {
        Self::new(Code::Unschedulable, vec![reason.into()])
    }

    /// `UnschedulableAndUnresolvable` with one reason.
    pub fn unresolvable(reason: impl Into<String>) -> Self {
        Self::new(Code::UnschedulableAndUnresolvable, vec![reason.into()])
    }

    /// Permit: wait.
    pub fn wait() -> Self {
        Self::new(Code::Wait, Vec::new())
    }

    /// An internal error.
    pub fn error(reason: impl Into<String>) -> Self {
        Self::new(Code::Error, vec![reason.into()])
    }

    /// A status with this code and these reasons.
    pub fn new(code: Code, reasons: Vec<String>) -> Self {
        Self {
            code,
            reasons,
            plugin: "",
        }
    }

    /// Whether the plugin passed.
    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }

    /// Whether the pod was rejected (`Unschedulable` or `UnschedulableAndUnresolvable`).
    pub fn is_rejected(&self) -> bool {
        matches!(
            self.code,
            Code::Unschedulable | Code::UnschedulableAndUnresolvable
        )
    }

    /// The same status, attributed to `plugin`.
    pub fn with_plugin(mut self, plugin: &'static str) -> Self {
        self.plugin = plugin;
        self
    }

    /// The reasons joined as upstream's `Status.Message()` does.
    pub fn message(&self) -> String {
        self.reasons.join(", ")
    }
}
