//! Paging of the API's lists: the page size every list takes, and cursors that are opaque to
//! clients (inside: a letter naming the list and the last position of the page).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use directory::Error;
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging alone, for lists with no other filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// At most 200; default 50.
    pub limit: Option<u64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// The page size asked for: 50 when left out, 1 to 200 otherwise.
pub fn limit(given: Option<u64>) -> Result<u64, Error> {
    match given {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(n),
        Some(_) => Err(Error::invalid("limit", "A page holds 1 to 200 items.")),
    }
}

/// The cursor after `position` in the list `kind`.
pub fn encode(kind: char, position: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{position}"))
}

/// The position a cursor of list `kind` holds; any other text is refused.
pub fn decode(kind: char, cursor: &str) -> Result<String, Error> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.strip_prefix(kind)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(str::to_string)
        })
        .ok_or_else(|| Error::invalid("cursor", "This cursor is not one this API gave out."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        assert_eq!(decode('u', &encode('u', "ada")).unwrap(), "ada");
        assert!(decode('u', "not a cursor!").is_err());
        assert!(
            decode('u', &encode('a', "12")).is_err(),
            "a cursor of another list"
        );
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(limit(None).ok(), Some(50));
        assert!(limit(Some(0)).is_err() && limit(Some(201)).is_err());
    }
}
