//! Names of custom resources as `&'static str`, so that they fit the resource table's
//! [`ResourceInfo`] like the built-in ones.
//!
//! Every distinct string (and resource entry) is kept once for the life of the process: the
//! memory is bounded by the distinct names and shapes of the definitions ever served, not by
//! how often they are re-established.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use crate::registry::resources::{ResourceInfo, Subresource};

static STRINGS: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Mutex::default);
static LISTS: LazyLock<Mutex<HashSet<&'static [&'static str]>>> = LazyLock::new(Mutex::default);
static SUBRESOURCES: LazyLock<Mutex<Vec<&'static [Subresource]>>> = LazyLock::new(Mutex::default);
static INFOS: LazyLock<Mutex<Vec<&'static ResourceInfo>>> = LazyLock::new(Mutex::default);

/// `text`, kept for the life of the process.
pub fn string(text: &str) -> &'static str {
    let mut strings = STRINGS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = strings.get(text) {
        return found;
    }
    let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
    strings.insert(leaked);
    leaked
}

/// `items`, kept for the life of the process.
pub fn list<S: AsRef<str>>(items: &[S]) -> &'static [&'static str] {
    let interned: Vec<&'static str> = items.iter().map(|s| string(s.as_ref())).collect();
    let mut lists = LISTS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = lists.get(interned.as_slice()) {
        return found;
    }
    let leaked: &'static [&'static str] = Box::leak(interned.into_boxed_slice());
    lists.insert(leaked);
    leaked
}

/// `subresources`, kept for the life of the process.
pub fn subresources(subresources: Vec<Subresource>) -> &'static [Subresource] {
    let mut all = SUBRESOURCES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = all.iter().find(|s| ***s == *subresources) {
        return found;
    }
    let leaked: &'static [Subresource] = Box::leak(subresources.into_boxed_slice());
    all.push(leaked);
    leaked
}

/// `info`, kept for the life of the process.
pub fn resource(info: ResourceInfo) -> &'static ResourceInfo {
    let mut all = INFOS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = all.iter().find(|i| ***i == info) {
        return found;
    }
    let leaked: &'static ResourceInfo = Box::leak(Box::new(info));
    all.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_are_kept_once() {
        let a = string(&String::from("crontabs"));
        let b = string("crontabs");
        assert!(std::ptr::eq(a, b));
        let x = list(&["ct", "cts"]);
        let y = list(&[String::from("ct"), String::from("cts")]);
        assert!(std::ptr::eq(x, y));
        assert_eq!(x, &["ct", "cts"]);
    }
}
