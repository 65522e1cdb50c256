import Foundation
import CSSHShim

/// The process's heap, as far as the server manages it (here because the C shim lives here).
public enum ProcessMemory {
    /// Gives freed heap memory back to the system (glibc's `malloc_trim`): glibc keeps what a
    /// thread freed in that thread's arena, so one large answer left the RSS tens of MB up.
    public static func releaseFree() {
        _ = pmx_release_free_memory()
    }

    /// Large blocks (from 256 KiB: the buffers of a multi-MB command output and of its parse) get
    /// pages of their own, given back when freed. By default glibc raises this threshold to the
    /// size of each mapped block freed, so after one 3 MB listing such buffers come from the heap
    /// and fragment it: RSS stayed 6.5 to 13 MB above idle after ten 10,000-guest listings, and
    /// 2.6 to 2.9 MB with the threshold fixed (`mcp-proxmox-bench --fleet-only`, three runs each).
    /// A threshold set by the user (`MALLOC_MMAP_THRESHOLD_`, `GLIBC_TUNABLES`) is left alone.
    /// Returns whether the threshold was set (false when left to the user, or not glibc).
    @discardableResult
    public static func keepLargeBlocksApart(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        let tunables = environment["GLIBC_TUNABLES"] ?? ""
        guard environment["MALLOC_MMAP_THRESHOLD_"] == nil, !tunables.contains("mmap_threshold") else { return false }
        return pmx_fix_mmap_threshold(256 * 1024) == 1
    }
}
