import SSHClient

/// After a call whose commands printed a lot (a 10,000-guest listing is 3 MB of JSON, parsed into
/// rows), the freed memory goes back to the system, so the server returns near its idle RSS.
enum MemoryRelease {
    /// Output of a call's commands above which the heap is trimmed afterwards.
    static let threshold = 1 << 20

    static func now() { ProcessMemory.releaseFree() }
}
