//! The kubelet's HTTPS server on 10250: `/healthz`, `/pods`, `/metrics`, `/stats/summary`,
//! `/containerLogs`, and `/exec`, `/attach`, `/portForward` through CRI's streaming server.
//! (Skeleton: filled in by the server work.)
