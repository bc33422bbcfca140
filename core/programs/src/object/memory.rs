//! What one value may take: the size of a container's item slot, and the machine's memory (the
//! ceiling of a value when the run sets no budget). The platform differences of that ceiling live
//! here.

use std::sync::OnceLock;

/// The bytes one item of a list, tuple, dict or set takes in its container (a [`Value`]).
///
/// [`Value`]: crate::object::Value
pub(crate) const ITEM_BYTES: usize = std::mem::size_of::<crate::object::Value>();

/// The machine's memory, in bytes: no value can be larger (Linux: `MemTotal` of /proc/meminfo; a
/// browser: the 4 GiB a wasm32 memory can grow to; elsewhere, or unreadable: 64 GiB).
pub(crate) fn machine_bytes() -> usize {
    static BYTES: OnceLock<usize> = OnceLock::new();
    *BYTES.get_or_init(|| {
        #[cfg(target_arch = "wasm32")]
        {
            u32::MAX as usize
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            mem_total().unwrap_or(64 << 30)
        }
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn mem_total() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_machine_has_some_memory_and_an_item_is_a_value() {
        assert!(super::machine_bytes() >= 64 << 20);
        assert_eq!(
            super::ITEM_BYTES,
            std::mem::size_of::<crate::object::Value>()
        );
    }
}
