# One image per daemon, built without a Docker daemon:
#   buildah bud --target kubelet -t kubelet:dev .
# (targets: kube-apiserver, kube-scheduler, kube-controller-manager, kubelet, kube-proxy, kubeadm).
# Every target shares the `build` stage, which compiles the workspace's release binaries once.
# The base images must be reachable (or already in buildah's store): no registry is reachable
# on the project's test machines, where the daemons run as processes instead.

FROM docker.io/library/rust:1.90-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends protobuf-compiler libprotobuf-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
      -p kube-apiserver -p kube-scheduler -p kube-controller-manager -p kubelet -p kube-proxy -p kubeadm \
 && mkdir -p /out \
 && cp target/release/kube-apiserver target/release/kube-scheduler \
       target/release/kube-controller-manager target/release/kubelet target/release/kube-proxy \
       target/release/kubeadm /out/

FROM docker.io/library/debian:bookworm-slim AS runtime-base
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*

FROM runtime-base AS kube-apiserver
COPY --from=build /out/kube-apiserver /usr/local/bin/kube-apiserver
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/kube-apiserver"]

FROM runtime-base AS kube-scheduler
COPY --from=build /out/kube-scheduler /usr/local/bin/kube-scheduler
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/kube-scheduler"]

FROM runtime-base AS kube-controller-manager
COPY --from=build /out/kube-controller-manager /usr/local/bin/kube-controller-manager
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/kube-controller-manager"]

# The kubelet runs as root on the host (privileged, host PID/network/mount namespaces) and
# talks to the node's containerd; `ctr` (from containerd) imports --image-import-dir
# archives, mount/umount and iptables serve volumes and hostPorts.
FROM runtime-base AS kubelet
RUN apt-get update \
 && apt-get install -y --no-install-recommends containerd mount iproute2 iptables \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/kubelet /usr/local/bin/kubelet
ENTRYPOINT ["/usr/local/bin/kubelet"]

# kube-proxy runs on the host network (privileged, NET_ADMIN) and programs nftables (default)
# or iptables; conntrack-tools deletes stale UDP entries.
FROM runtime-base AS kube-proxy
RUN apt-get update \
 && apt-get install -y --no-install-recommends nftables iptables conntrack iproute2 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/kube-proxy /usr/local/bin/kube-proxy
ENTRYPOINT ["/usr/local/bin/kube-proxy"]

# kubeadm also builds the pause and busybox images (`kubeadm images build`), which needs a C
# compiler, libc's static archive and busybox-static.
FROM runtime-base AS kubeadm
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev busybox-static containerd runc \
      containernetworking-plugins iproute2 nftables iptables conntrack \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/kubeadm /usr/local/bin/kubeadm
ENTRYPOINT ["/usr/local/bin/kubeadm"]
