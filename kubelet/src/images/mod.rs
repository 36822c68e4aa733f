//! Images: importing the OCI archives of `--image-import-dir` into the runtime.
//! (Skeleton: filled in by the images work.)
