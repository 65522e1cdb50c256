import Foundation

/// What was built: the one place the version lives. `scripts/release.sh` rewrites the three
/// constants in the copy of the sources it builds (the version from a `vX.Y.Z` tag on the commit,
/// else the constant below), so an executable, its file names, its .deb and `serverInfo.version`
/// all say the same; a development build says `development` for the commit and date.
public enum BuildInfo {
    public static let version = "0.1.0"
    public static let commit = "development"
    public static let date = "development"

    /// Whether the Swift standard library and Foundation are linked into the executable: read from
    /// the process's own mappings, so the answer is a fact about this run, not about a build flag.
    public static var staticStandardLibrary: Bool {
        // /proc files report size 0: read to the end rather than by the size.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/maps"), let data = try? handle.readToEnd() else { return false }
        try? handle.close()
        return !String(decoding: data, as: UTF8.self).contains("libswiftCore.so")
    }

    /// `mcp-proxmox-admin 0.1.0 (commit 1a2b3c4, built 2026-12-03T09:00:00Z, static Swift standard library)`.
    public static var line: String {
        let linking = staticStandardLibrary ? "static Swift standard library" : "dynamic Swift standard library"
        return "mcp-proxmox-admin \(version) (commit \(commit), built \(date), \(linking))"
    }
}
