import SSHClient
import Testing

/// The server's own malloc setting gives way to the user's.
@Suite struct ProcessMemoryTests {
    @Test func theMmapThresholdIsFixedUnlessTheUserSetOne() {
        #expect(!ProcessMemory.keepLargeBlocksApart(environment: ["MALLOC_MMAP_THRESHOLD_": "1048576"]))
        #expect(!ProcessMemory.keepLargeBlocksApart(environment: ["GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"]))
        #if canImport(Glibc)
        #expect(ProcessMemory.keepLargeBlocksApart(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2"]))
        #endif
    }
}
