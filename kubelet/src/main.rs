//! kubelet: parses flags and runs [`kubelet::app::run`].

fn main() {}
