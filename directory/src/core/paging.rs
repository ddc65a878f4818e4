//! Page numbers into row offsets, refusing pages past any list's end before the database
//! sees an offset it cannot hold.

use crate::core::error::{Error, Result};

/// The offset of page `page` (from 0) of `per_page` rows.
pub fn offset(page: u64, per_page: u64) -> Result<u64> {
    page.checked_mul(per_page)
        .filter(|offset| i64::try_from(*offset).is_ok())
        .ok_or_else(|| Error::invalid("page", "There is no such page."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_pages_are_refused() {
        assert_eq!(offset(3, 50).ok(), Some(150));
        assert!(offset(u64::MAX, 50).is_err());
        assert!(offset(200_000_000_000_000_000, 50).is_err());
    }
}
