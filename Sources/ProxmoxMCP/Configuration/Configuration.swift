import Foundation
import ProxmoxCore

/// Where a setting's value came from.
public enum SettingSource: Sendable, Equatable {
    case flag
    case environment
    /// The `.env` file at this path.
    case dotEnv(String)
    /// The JSON config file at this path.
    case file(String)
    /// The entry of this cluster in the config file's `clusters` map.
    case cluster(path: String, name: String)
    /// Both levels set it; the stricter of the two applies (see ``Configuration/forCluster(_:)``).
    indirect case strictest(SettingSource, SettingSource)
    case defaultValue

    /// `flag --ssh-port`, `environment PROXMOX_SSH_PORT`, `/srv/.env: PROXMOX_SSH_PORT`, `/etc/x.json: sshPort`, `default`.
    public func describe(_ setting: Setting) -> String {
        switch self {
        case .flag: "flag \(setting.flag)"
        case .environment: "environment \(setting.variable)"
        case let .dotEnv(path): "\(path): \(setting.variable)"
        case let .file(path): "\(path): \(setting.key)"
        case let .cluster(path, name): "\(path): clusters.\(name).\(setting.key)"
        case let .strictest(global, cluster): "strictest of \(global.describe(setting)) and \(cluster.describe(setting))"
        case .defaultValue: "default"
        }
    }
}

/// What the configuration is read from. Tests pass their own; the executable passes the process's.
public struct ConfigurationInputs: Sendable {
    /// Setting flags from the command line, unparsed (`--ssh-user admin`, `--safe-mode`, `--config PATH`).
    public var arguments: [String]
    public var environment: [String: String]
    /// Where `.env` and `proxmox-config.json` are looked for.
    public var workingDirectory: String
    public var home: String

    public init(arguments: [String] = [], environment: [String: String], workingDirectory: String, home: String) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.home = home
    }

    /// The running process's environment, working directory and home.
    public static func process(arguments: [String]) -> ConfigurationInputs {
        let environment = ProcessInfo.processInfo.environment
        return ConfigurationInputs(arguments: arguments, environment: environment,
                                   workingDirectory: FileManager.default.currentDirectoryPath,
                                   home: environment["HOME"] ?? NSHomeDirectory())
    }
}

/// The effective configuration: for every setting its value and source, highest layer first:
/// command-line flags, environment, `.env` in the working directory, JSON config file
/// (`--config`/`PROXMOX_CONFIG`, else `./proxmox-config.json`, else `~/.config/mcp-proxmox-admin/config.json`),
/// default. Loading never stops at the first problem: `problems` lists every one, each with its
/// key and source; `warnings` are worth saying but do not stop the server.
public struct Configuration: Sendable {
    public struct Entry: Sendable {
        public let value: String
        public let source: SettingSource
    }

    public private(set) var entries: [String: Entry] = [:]
    public private(set) var problems: [String] = []
    public private(set) var warnings: [String] = []
    /// The config file read, if any.
    public private(set) var configFile: String?
    /// The `.env` file read, if any.
    public private(set) var dotEnvFile: String?
    /// The files holding settings that group or others can read.
    public private(set) var exposedFiles: [String] = []
    public let home: String
    /// The config file's `clusters` map, by name; empty: one cluster, configured as before.
    public private(set) var clusters: [ClusterEntry] = []

    /// One entry of the `clusters` map: its own settings, validated like any other.
    public struct ClusterEntry: Sendable {
        public let name: String
        public let entries: [String: Entry]
        /// Served by the built-in simulator (demos and tests), not over SSH.
        public let simulator: Bool
    }

    /// The cluster calls without a `cluster` argument read from: `defaultCluster`, else the first by name.
    public var defaultClusterName: String? { text("defaultCluster") ?? clusters.first?.name }

    /// Reads every layer and validates every value.
    public static func load(_ inputs: ConfigurationInputs) -> Configuration {
        var configuration = Configuration(home: inputs.home)
        var layers: [(SettingSource, [String: String])] = []

        let (flags, configFlag, flagProblems) = parseFlags(inputs.arguments)
        configuration.problems += flagProblems
        layers.append((.flag, flags))

        configuration.warnings += unknownVariables(Array(inputs.environment.keys), in: "the environment")
        layers.append((.environment, byKey(inputs.environment)))

        let dotEnvPath = (inputs.workingDirectory as NSString).appendingPathComponent(".env")
        if FileManager.default.fileExists(atPath: dotEnvPath) {
            configuration.dotEnvFile = dotEnvPath
            configuration.checkExposure(dotEnvPath)
            let (variables, problems) = readDotEnv(dotEnvPath)
            configuration.problems += problems
            configuration.warnings += unknownVariables(Array(variables.keys), in: dotEnvPath)
            layers.append((.dotEnv(dotEnvPath), byKey(variables)))
        }

        let explicitFile = configFlag ?? inputs.environment["PROXMOX_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let candidates = explicitFile.map { [expand($0, home: inputs.home)] } ?? [
            (inputs.workingDirectory as NSString).appendingPathComponent("proxmox-config.json"),
            (inputs.home as NSString).appendingPathComponent(".config/mcp-proxmox-admin/config.json"),
        ]
        if let explicitFile, !FileManager.default.fileExists(atPath: candidates[0]) {
            configuration.problems.append("config file \(explicitFile) (from \(configFlag != nil ? "flag --config" : "environment PROXMOX_CONFIG")) does not exist")
        } else if let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            configuration.configFile = path
            configuration.checkExposure(path)
            let (values, clusters, problems) = readConfigFile(path)
            configuration.problems += problems
            configuration.clusters = clusters
            layers.append((.file(path), values))
        }

        for setting in SettingCatalog.all {
            guard let (source, value) = layers.lazy.compactMap({ layer in layer.1[setting.key].map { (layer.0, $0) } }).first else {
                if let value = setting.defaultValue { configuration.entries[setting.key] = Entry(value: value, source: .defaultValue) }
                continue
            }
            let trimmed = setting.isSecret ? value : value.trimmingCharacters(in: .whitespaces)
            if let problem = setting.kind.problem(with: trimmed) {
                let shown = setting.isSecret ? "***" : "'\(trimmed.prefix(80))'"
                configuration.problems.append("\(setting.key) = \(shown) (\(source.describe(setting))) \(problem)")
                continue
            }
            configuration.entries[setting.key] = Entry(value: trimmed, source: source)
            if setting.isSecret && source == .flag {
                configuration.warnings.append("\(setting.key) given as a flag is visible to every local user (ps); pass \(setting.variable) in the environment or put it in a chmod 600 config file")
            }
            if setting.compatibilityOnly && source != .defaultValue {
                configuration.warnings.append("\(setting.key) (\(source.describe(setting))) is accepted for compatibility and not used: this server speaks SSH only")
            }
        }
        configuration.checkClusters()
        return configuration
    }

    // MARK: Several clusters

    /// Settings that belong to one cluster and are never inherited from the top level.
    static let ownPerCluster: Set<String> = ["host", "hosts", "proxyJump", "nodeAddresses", "defaultNode"]

    /// The effective configuration of one cluster: its own settings over the top-level ones; for
    /// the safety settings, when both levels give one, the stricter applies (readOnly and safeMode:
    /// either; protectedVmids: both lists; guestExec and toolsets: what both allow).
    public func forCluster(_ name: String) -> Configuration {
        var merged = self
        merged.clusters = []
        guard let cluster = clusters.first(where: { $0.name == name }) else { return merged }
        for key in Self.ownPerCluster { merged.entries[key] = nil }
        for (key, entry) in cluster.entries {
            guard let global = entries[key], global.source != .defaultValue, let setting = SettingCatalog.setting(key) else {
                merged.entries[key] = entry
                continue
            }
            let source = SettingSource.strictest(global.source, entry.source)
            switch key {
            case "readOnly", "safeMode":
                let strict = SettingKind.flagValue(global.value) == true || SettingKind.flagValue(entry.value) == true
                merged.entries[key] = Entry(value: strict ? "true" : "false", source: source)
            case "protectedVmids":
                let union = SettingKind.items(global.value) + SettingKind.items(entry.value).filter { !SettingKind.items(global.value).contains($0) }
                merged.entries[key] = Entry(value: union.joined(separator: ","), source: source)
            case "guestExec", "toolsets":
                let expand = { (text: String) in
                    setting.kind == .programs ? SettingKind.items(text) : ToolCatalog.expand(SettingKind.items(text)).sorted()
                }
                let both = expand(global.value).filter(expand(entry.value).contains)
                merged.entries[key] = both.isEmpty && key == "guestExec" ? nil : Entry(value: both.joined(separator: ","), source: source)
            default:
                merged.entries[key] = entry
            }
        }
        return merged
    }

    /// The clusters map's own rules: a host each, no top-level host beside it, a known default.
    private mutating func checkClusters() {
        guard !clusters.isEmpty else {
            if let name = text("defaultCluster") {
                warnings.append("defaultCluster = '\(name)' (\(source("defaultCluster")!.describe(SettingCatalog.setting("defaultCluster")!))) is not used: the config file has no clusters map")
            }
            return
        }
        for key in ["host", "hosts", "proxyJump"] {
            if let entry = entries[key], let setting = SettingCatalog.setting(key) {
                problems.append("\(key) is set at the top level (\(entry.source.describe(setting))) while the config file has a clusters map: give each cluster its own \(key)")
            }
        }
        for cluster in clusters where !cluster.simulator && cluster.entries["host"] == nil {
            problems.append("cluster '\(cluster.name)' (\(configFile ?? "config file"): clusters.\(cluster.name)) has no host")
        }
        if let name = text("defaultCluster"), !clusters.contains(where: { $0.name == name }) {
            problems.append("defaultCluster = '\(name)' is not one of the clusters: \(clusters.map(\.name).joined(separator: ", "))\(Suggestion.hint(name, in: clusters.map(\.name)))")
        }
        for cluster in clusters {
            let merged = forCluster(cluster.name)
            if cluster.entries["toolsets"] != nil, merged.entries["toolsets"]?.value.isEmpty == true {
                problems.append("toolsets of cluster '\(cluster.name)' and the top-level toolsets have none in common")
            }
        }
    }

    // MARK: Typed values (valid by construction: invalid values never enter `entries`)

    /// The text value, or nil when unset.
    public func text(_ key: String) -> String? { entries[key]?.value }

    public func flag(_ key: String) -> Bool { text(key).flatMap(SettingKind.flagValue) ?? false }

    public func number(_ key: String) -> Int? { text(key).flatMap { Int($0) } }

    /// A path with `~/` expanded.
    public func path(_ key: String) -> String? { text(key).map { Self.expand($0, home: home) } }

    public func list(_ key: String) -> [String] { text(key).map(SettingKind.items) ?? [] }

    public func source(_ key: String) -> SettingSource? { entries[key]?.source }

    /// The secrets configured, for redaction (every cluster's too).
    public var secrets: [String] {
        let secretKeys = SettingCatalog.all.filter(\.isSecret).map(\.key)
        let own = secretKeys.compactMap { text($0) }
        let clusters = self.clusters.flatMap { cluster in secretKeys.compactMap { cluster.entries[$0]?.value } }
        return (own + clusters).filter { !$0.isEmpty }
    }

    /// Throws the problems, if any.
    public func validated() throws(ConfigurationError) -> Configuration {
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return self
    }

    /// Adds a problem found by a later check (a required setting missing for this mode).
    public mutating func require(_ key: String, because reason: String) {
        guard text(key) == nil, let setting = SettingCatalog.setting(key) else { return }
        problems.append("\(key) is not set (\(setting.flag), \(setting.variable) or \"\(key)\" in the config file): \(reason)")
    }

    // MARK: Layers

    /// Setting flags: `--ssh-user admin`, `--ssh-user=admin`, `--safe-mode` (true), `--safe-mode=false`, `--config PATH`.
    static func parseFlags(_ arguments: [String]) -> (values: [String: String], config: String?, problems: [String]) {
        var values: [String: String] = [:]
        var config: String?
        var problems: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            var inline = parts.count == 2 ? parts[1] : nil
            let setting = SettingCatalog.all.first { $0.flag == name }
            guard setting != nil || name == "--config" else {
                // One message for an unknown flag and the value that follows it, not one for each.
                var shown = argument
                if name.hasPrefix("-"), inline == nil, index < arguments.count, !arguments[index].hasPrefix("-") {
                    shown += " " + arguments[index]
                    index += 1
                }
                let kind = name.hasPrefix("-") ? "unknown option" : "unexpected argument"
                let hint = name.hasPrefix("--") ? Suggestion.hint(name, in: SettingCatalog.all.map(\.flag) + ["--config"]) : ""
                problems.append("\(kind) '\(shown.prefix(80))'\(hint) (see --help and docs/configuration.md)")
                continue
            }
            if inline == nil && setting?.kind == .flag {
                inline = "true"
            } else if inline == nil {
                guard index < arguments.count else {
                    problems.append("\(name) needs a value")
                    continue
                }
                inline = arguments[index]
                index += 1
            }
            if let setting { values[setting.key] = inline } else { config = inline }
        }
        return (values, config, problems)
    }

    /// The settings among environment-style variables, by setting key; blank values are unset.
    static func byKey(_ variables: [String: String]) -> [String: String] {
        var values: [String: String] = [:]
        for setting in SettingCatalog.all {
            if let value = variables[setting.variable], !value.trimmingCharacters(in: .whitespaces).isEmpty { values[setting.key] = value }
        }
        return values
    }

    /// `KEY=value` lines; `export KEY=value`; `#` comments; one level of matching quotes removed.
    static func readDotEnv(_ path: String) -> (variables: [String: String], problems: [String]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return ([:], ["\(path) cannot be read (permissions, or not UTF-8)"])
        }
        var variables: [String: String] = [:]
        var problems: [String] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                problems.append("\(path) line \(number + 1) is not KEY=value")
                continue
            }
            var value = parts[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            variables[parts[0].trimmingCharacters(in: .whitespaces)] = value
        }
        return (variables, problems)
    }

    /// A JSON object of settings; lists may be arrays, node addresses an object, numbers and flags
    /// native; `clusters` an object of such objects, one per cluster.
    static func readConfigFile(_ path: String) -> (values: [String: String], clusters: [ClusterEntry], problems: [String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return ([:], [], ["config file \(path) cannot be read (permissions?)"])
        }
        guard case let .object(object)? = try? JSONValue.parse(data) else {
            return ([:], [], ["config file \(path) is not a JSON object"])
        }
        var values: [String: String] = [:]
        var problems: [String] = []
        var clusters: [ClusterEntry] = []
        if let map = object["clusters"] {
            (clusters, problems) = readClusters(map, path: path)
        }
        for key in object.keys.sorted() where key != "clusters" {
            guard let setting = SettingCatalog.setting(key) else {
                let hint = key.hasPrefix("PROXMOX_") ? " (the file uses keys such as sshUser, not variable names)"
                    : Suggestion.hint(key, in: SettingCatalog.all.map(\.key))
                problems.append("config file \(path): unknown key '\(key.prefix(64))'\(hint)")
                continue
            }
            switch configText(object[key]!) {
            case nil: problems.append("\(key) (\(path): \(key)) has a value of the wrong type")
            case let text??: values[setting.key] = text
            case .some(nil): break
            }
        }
        return (values, clusters, problems)
    }

    /// The `clusters` map: each entry's keys are settings a cluster may set, validated by their kind.
    static func readClusters(_ map: JSONValue, path: String) -> (clusters: [ClusterEntry], problems: [String]) {
        guard case let .object(entries) = map, !entries.isEmpty else {
            return ([], ["config file \(path): clusters must be an object of clusters by name, e.g. {\"homelab\": {\"host\": \"pve1.lan\"}}"])
        }
        var clusters: [ClusterEntry] = []
        var problems: [String] = []
        for name in entries.keys.sorted() {
            let place = "\(path): clusters.\(name.prefix(40))"
            guard SettingKind.isClusterName(name) else {
                problems.append("\(place): '\(name.prefix(40))' is not a cluster name (a-z, 0-9, - and _, at most 32, starting with a letter or digit)")
                continue
            }
            guard case let .object(fields)? = entries[name] else {
                problems.append("\(place) must be an object of settings")
                continue
            }
            var own: [String: Entry] = [:]
            var simulator = false
            for key in fields.keys.sorted() {
                if key == "simulator" {
                    guard case let .bool(flag)? = fields[key] else {
                        problems.append("\(place).simulator must be true or false")
                        continue
                    }
                    simulator = flag
                    continue
                }
                guard let setting = SettingCatalog.setting(key) else {
                    let names = SettingCatalog.all.filter { $0.scope == .cluster }.map(\.key) + ["simulator"]
                    problems.append("\(place): unknown key '\(key.prefix(64))'\(Suggestion.hint(key, in: names))")
                    continue
                }
                guard setting.scope == .cluster else {
                    problems.append("\(place).\(key): \(key) applies to the whole server and cannot be set per cluster")
                    continue
                }
                guard case let text?? = configText(fields[key]!) else {
                    if case .some(nil) = configText(fields[key]!) { continue }
                    problems.append("\(place).\(key) has a value of the wrong type")
                    continue
                }
                let trimmed = setting.isSecret ? text : text.trimmingCharacters(in: .whitespaces)
                if let problem = setting.kind.problem(with: trimmed) {
                    let shown = setting.isSecret ? "***" : "'\(trimmed.prefix(80))'"
                    problems.append("\(place).\(key) = \(shown) \(problem)")
                    continue
                }
                own[key] = Entry(value: trimmed, source: .cluster(path: path, name: name))
            }
            clusters.append(ClusterEntry(name: name, entries: own, simulator: simulator))
        }
        return (clusters, problems)
    }

    /// A JSON value as setting text; `.some(nil)` for null (unset), nil for a type no setting takes.
    private static func configText(_ value: JSONValue) -> String?? {
        switch value {
        case .null: return .some(nil)
        case let .string(text): return text
        case let .bool(flag): return flag ? "true" : "false"
        case let .int(number): return String(number)
        case let .double(number): return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case let .array(items):
            var texts: [String] = []
            for item in items {
                switch item {
                case .string, .int, .double: texts.append(configText(item)!!)
                default: return nil
                }
            }
            return texts.joined(separator: ",")
        case let .object(fields):
            var items: [String] = []
            for key in fields.keys.sorted() {
                guard case let .string(target)? = fields[key] else { return nil }
                items.append("\(key)=\(target)")
            }
            return items.joined(separator: ",")
        }
    }

    /// Variables that look like ours but are not: a typo would otherwise be ignored silently.
    static func unknownVariables(_ names: [String], in place: String) -> [String] {
        let known = Set(SettingCatalog.all.map(\.variable)).union(["PROXMOX_CONFIG"])
        return names.filter { $0.hasPrefix("PROXMOX_") && !known.contains($0) }.sorted().map {
            "\($0) in \(place) is not a setting of this server\(Suggestion.hint($0, in: known.sorted())) (docs/configuration.md lists them)"
        }
    }

    /// Settings files readable by group or others are reported, as OpenSSH reports private keys.
    private mutating func checkExposure(_ path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 else { return }
        exposedFiles.append(path)
        warnings.append("\(path) is readable by group or others (mode \(String(mode, radix: 8))): it may hold secrets; run chmod 600 \(path)")
    }

    static func expand(_ path: String, home: String) -> String {
        path == "~" ? home : path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }
}

/// The configuration has problems; `description` lists each on its own line.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// One line per problem.
    public let problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }
    public var description: String {
        "configuration problems:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
