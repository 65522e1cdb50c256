import CSSHShim

/// The process's heap, as far as the server manages it (here because the C shim lives here).
public enum ProcessMemory {
    /// Gives freed heap memory back to the system (glibc's `malloc_trim`): glibc keeps what a
    /// thread freed in that thread's arena, so one large answer left the RSS tens of MB up.
    public static func releaseFree() {
        _ = pmx_release_free_memory()
    }
}
