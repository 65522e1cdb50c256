import Foundation
import Synchronization

/// Where the simulated cluster lives: in memory (in-process use) or in a JSON file shared by
/// every `pve-sim` process (behind sshd), guarded by `flock` so concurrent commands stay consistent.
public final class StateStore: Sendable {
    /// The cluster when held in memory; for a file store, the seed a missing file starts from.
    private let memory: Mutex<SimulatedCluster>
    /// The state file, or nil for an in-memory store.
    private let path: String?

    /// A store held in memory, starting from `cluster`.
    public init(memory cluster: SimulatedCluster = .builtIn) {
        memory = Mutex(cluster)
        path = nil
    }

    /// A store in the file at `path`, created from `seed` when it does not exist yet.
    public init(file path: String, seed: SimulatedCluster = .builtIn) {
        memory = Mutex(seed)
        self.path = path
        // A state file named in a client's settings may sit in a folder that does not exist yet.
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    /// The store chosen by the environment: the file named by `PVE_SIM_STATE`, else memory.
    /// `PVE_SIM_SCALE=16x10000` starts it from a generated cluster of that many nodes and guests;
    /// `PVE_SIM_STANDALONE=1` from a single node never joined to a cluster.
    public static func fromEnvironment(_ environment: [String: String]) -> StateStore {
        var seed = environment["PVE_SIM_SCALE"].flatMap(SimulatedCluster.Scale.init(parsing:)).map(SimulatedCluster.scaled) ?? .builtIn
        if environment["PVE_SIM_STANDALONE"] == "1" { seed = seed.standaloneNode() }
        if let path = environment["PVE_SIM_STATE"], !path.isEmpty {
            return StateStore(file: path, seed: seed)
        }
        return StateStore(memory: seed)
    }

    /// Reads the cluster under a shared lock.
    public func read<T>(_ body: (SimulatedCluster) throws -> T) throws -> T {
        guard let path else { return try memory.withLock { try body($0) } }
        return try withFileLock(path: path, exclusive: false) {
            try body(try load(path: path))
        }
    }

    /// Changes the cluster under an exclusive lock; the change is written back before the lock is released.
    public func modify<T>(_ body: (inout SimulatedCluster) throws -> T) throws -> T {
        guard let path else { return try memory.withLock { try body(&$0) } }
        return try withFileLock(path: path, exclusive: true) {
            var cluster = try load(path: path)
            let result = try body(&cluster)
            try save(cluster, path: path)
            return result
        }
    }

    private func withFileLock<T>(path: String, exclusive: Bool, _ body: () throws -> T) throws -> T {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StateError("cannot open lock file \(lockPath): \(errnoText())") }
        defer { close(descriptor) }
        while flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else { throw StateError("cannot lock \(lockPath): \(errnoText())") }
        }
        return try body()
    }

    /// Loads the file; a missing file is created from the seed. A shared lock is enough for that:
    /// the file appears atomically (rename), and every writer writes the same seed.
    private func load(path: String) throws -> SimulatedCluster {
        guard let data = FileManager.default.contents(atPath: path) else {
            let seed = memory.withLock { $0 }
            try save(seed, path: path)
            return seed
        }
        do {
            return try JSONDecoder().decode(SimulatedCluster.self, from: data)
        } catch {
            throw StateError("state file \(path) is not a simulator state (\(error)); delete it to start afresh")
        }
    }

    private func save(_ cluster: SimulatedCluster, path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let temporary = path + ".tmp.\(getpid())"
        do {
            try encoder.encode(cluster).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw StateError("cannot write state file \(temporary): \(error)")
        }
        guard rename(temporary, path) == 0 else {
            throw StateError("cannot replace state file \(path): \(errnoText())")
        }
    }
}

/// The simulator's state could not be read or written.
public struct StateError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

func errnoText() -> String { String(cString: strerror(errno)) }
