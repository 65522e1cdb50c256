/// Faults a test can switch on, in the state file (`faults`) or as JSON in `PVE_SIM_FAULTS`.
///
/// Task keys are a worker type (`qmstart`), or a type and a guest id (`qmstart:100`).
/// Command keys are the start of the command line, words joined by single spaces (`pvesh get /nodes`).
public struct SimulatedFaults: Codable, Equatable, Sendable {
    /// Tasks that end with this error message.
    public var failingTasks: [String: String] = [:]
    /// Tasks that stay `running` for this many seconds before they finish.
    public var slowTasks: [String: Double] = [:]
    /// Commands that never finish (the process sleeps until killed).
    public var hangingCommands: [String] = []
    /// Commands whose output is damaged: `garbage` (not JSON), `truncated` (cut in half),
    /// `empty` (nothing, exit 0), `empty255` (nothing, exit 255).
    public var damagedOutput: [String: String] = [:]
    /// Guests whose config lock is busy: commands print `trying to acquire lock...` / ` OK`.
    public var contendedLocks: [Int] = []
    /// Storages with no space left: a backup to them fails with `No space left on device`.
    public var fullStorages: [String] = []
    /// Guests (by id) whose backup fails halfway, with this error (the job goes on with the next guest).
    public var failingBackups: [String: String] = [:]

    public init() {}

    func taskValue<T>(_ table: [String: T], type: String, id: String) -> T? {
        table["\(type):\(id)"] ?? table[type]
    }

    func commandValue<T>(_ table: [String: T], argv: [String]) -> T? {
        let line = argv.joined(separator: " ")
        return table.filter { line == $0.key || line.hasPrefix($0.key + " ") }.max { $0.key.count < $1.key.count }?.value
    }

    /// Both sets of faults together; the environment's win on conflicts.
    func merged(with other: SimulatedFaults) -> SimulatedFaults {
        var result = self
        result.failingTasks.merge(other.failingTasks) { $1 }
        result.slowTasks.merge(other.slowTasks) { $1 }
        result.hangingCommands += other.hangingCommands
        result.damagedOutput.merge(other.damagedOutput) { $1 }
        result.contendedLocks += other.contendedLocks
        result.fullStorages += other.fullStorages
        result.failingBackups.merge(other.failingBackups) { $1 }
        return result
    }
}

extension SimulatedFaults {
    private enum Keys: String, CodingKey {
        case failingTasks, slowTasks, hangingCommands, damagedOutput, contendedLocks, fullStorages, failingBackups
    }

    /// Every field is optional, so a test can write just the fault it needs.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        failingTasks = try container.decodeIfPresent([String: String].self, forKey: .failingTasks) ?? [:]
        slowTasks = try container.decodeIfPresent([String: Double].self, forKey: .slowTasks) ?? [:]
        hangingCommands = try container.decodeIfPresent([String].self, forKey: .hangingCommands) ?? []
        damagedOutput = try container.decodeIfPresent([String: String].self, forKey: .damagedOutput) ?? [:]
        contendedLocks = try container.decodeIfPresent([Int].self, forKey: .contendedLocks) ?? []
        fullStorages = try container.decodeIfPresent([String].self, forKey: .fullStorages) ?? []
        failingBackups = try container.decodeIfPresent([String: String].self, forKey: .failingBackups) ?? [:]
    }
}
