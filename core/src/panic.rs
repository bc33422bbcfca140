//! Turning panics into messages, and a short type name for `repr`.

use std::any::Any;

/// The message of a caught panic: its payload when that is a string.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

/// `core::result::Result<u64, alloc::string::String>` becomes `Result<u64, String>`: the type as Python's
/// `type(x).__name__` would show it, without module paths.
pub(crate) fn short_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    for ch in full.chars() {
        match ch {
            ':' => segment.clear(),
            c if c.is_alphanumeric() || c == '_' => segment.push(c),
            c => {
                out.push_str(&segment);
                segment.clear();
                out.push(c);
            }
        }
    }
    out.push_str(&segment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_type_name_strips_module_paths() {
        assert_eq!(short_type_name::<u64>(), "u64");
        assert_eq!(short_type_name::<String>(), "String");
        assert_eq!(
            short_type_name::<Result<u64, String>>(),
            "Result<u64, String>"
        );
        assert_eq!(
            short_type_name::<Vec<(u8, Option<String>)>>(),
            "Vec<(u8, Option<String>)>"
        );
        assert_eq!(short_type_name::<()>(), "()");
    }

    #[test]
    fn panic_message_reads_str_and_string_payloads() {
        let p = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
        assert_eq!(panic_message(&*p), "boom 7");
        let p = std::panic::catch_unwind(|| panic!("plain")).unwrap_err();
        assert_eq!(panic_message(&*p), "plain");
        let p = std::panic::catch_unwind(|| std::panic::panic_any(42u8)).unwrap_err();
        assert_eq!(panic_message(&*p), "a panic with a non-string payload");
    }
}
