//! How the daemons' allocator (mimalloc, each `main`'s `#[global_allocator]`) gives freed
//! memory back to the system.
//!
//! mimalloc 3 keeps freed pages for a second (ten for its arenas) before it returns them, so a
//! burst stays in the RSS long after it ended. Measured on the API server with 10,000 pods on
//! etcd (README, design notes): 238-244 MiB right after a LIST with mimalloc's default, 174 MiB
//! when freed pages go back at once, but then Table LISTs took 40-50 % longer (every page the
//! decoder freed was faulted in again); 10 ms keeps the speed and most of the saving.

/// mimalloc 3's `mi_option_purge_delay` (its position in `mi_option_e`, `mimalloc.h`); the
/// constants of `libmimalloc-sys` follow mimalloc 2's numbering, which differs.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed pages are kept (milliseconds), unless `MIMALLOC_PURGE_DELAY` says otherwise.
const PURGE_DELAY_MS: std::os::raw::c_long = 10;

/// Makes the allocator return freed pages to the system soon, unless the operator set
/// `MIMALLOC_PURGE_DELAY` (which mimalloc reads itself). Call it first in `main`.
pub fn return_freed_memory_promptly() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        set(PURGE_DELAY, PURGE_DELAY_MS);
    }
}

#[allow(unsafe_code)]
fn set(option: libmimalloc_sys::mi_option_t, value: std::os::raw::c_long) {
    // SAFETY: `mi_option_set` stores one value in mimalloc's option table; it may be called
    // from any thread at any time and reads no pointers.
    unsafe { libmimalloc_sys::mi_option_set(option, value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(unsafe_code)]
    fn get(option: libmimalloc_sys::mi_option_t) -> std::os::raw::c_long {
        // SAFETY: as for `set`; `mi_option_get` only reads the option table.
        unsafe { libmimalloc_sys::mi_option_get(option) }
    }

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc 3's default purge delay is 1000 ms: seeing it proves the option's number
        // (unless the environment overrides it).
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(PURGE_DELAY), 1000);
        }
        return_freed_memory_promptly();
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(PURGE_DELAY), PURGE_DELAY_MS);
        }
    }
}
