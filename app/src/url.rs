//! Percent-encoding for the URLs the pages build (`next` parameters, `data:` downloads).

/// Encodes everything but unreserved characters and `/`.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_unreserved_characters_and_slashes_stay() {
        assert_eq!(
            super::encode("/users?q=a b&page=2"),
            "/users%3Fq%3Da%20b%26page%3D2"
        );
        assert_eq!(super::encode("a-b c\n"), "a-b%20c%0A");
    }
}
