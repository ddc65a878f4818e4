//! A user agent string in words: the browser and the operating system, for the sessions
//! list. Only the common families are named; anything else is "Other".

/// The browser family a user agent names.
pub fn browser(agent: &str) -> &'static str {
    // Order matters: Edge and Opera also say "Chrome", and Chrome also says "Safari".
    const FAMILIES: [(&str, &str); 9] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python-requests", "Python"),
        ("reqwest", "reqwest"),
    ];
    FAMILIES
        .iter()
        .find(|(marker, _)| agent.contains(marker))
        .map_or("Other", |(_, name)| name)
}

/// The operating system a user agent names.
pub fn os(agent: &str) -> &'static str {
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    SYSTEMS
        .iter()
        .find(|(marker, _)| agent.contains(marker))
        .map_or("Other", |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_agents_are_named() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!((browser(chrome), os(chrome)), ("Chrome", "Linux"));
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!((browser(edge), os(edge)), ("Edge", "Windows"));
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!((browser(safari), os(safari)), ("Safari", "iOS"));
        let firefox =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.0; rv:120.0) Gecko/20100101 Firefox/120.0";
        assert_eq!((browser(firefox), os(firefox)), ("Firefox", "macOS"));
        assert_eq!((browser(""), os("")), ("Other", "Other"));
    }
}
