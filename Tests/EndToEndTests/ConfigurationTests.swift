import Foundation
import ProxmoxCore
import ProxmoxMCP
import SSHClient
import Testing

/// Layered configuration: every setting of the catalog through every layer, every validation error.
@Suite struct ConfigurationTests {
    /// A scratch folder playing working directory and home.
    final class Folder {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "config-test-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path + "/home", withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        var home: String { path + "/home" }

        func write(_ name: String, _ text: String, mode: Int = 0o600) throws {
            let file = (path as NSString).appendingPathComponent(name)
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        }

        func remove(_ name: String) {
            try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(name))
        }

        func load(_ arguments: [String] = [], environment: [String: String] = [:]) -> Configuration {
            Configuration.load(ConfigurationInputs(arguments: arguments, environment: environment, workingDirectory: path, home: home))
        }
    }

    /// Four valid, distinct values of a setting's kind: for the flag, the environment, `.env` and the file.
    static func samples(_ kind: SettingKind) -> [String] {
        switch kind {
        case .text, .secret: ["flag-value", "env-value", "dotenv-value", "file-value"]
        case .path: ["/from/flag", "/from/env", "/from/dotenv", "/from/file"]
        case .port: ["1001", "1002", "1003", "1004"]
        case .flag: ["yes", "no", "on", "off"]
        case let .number(range): (1...4).map { String(range.lowerBound + $0) }
        case let .choice(choices): (0..<4).map { choices[$0 % choices.count] }
        case .nodeName: ["node-a", "node-b", "node-c", "node-d"]
        case .vmids: ["101", "102,103", "104", "105,106"]
        case .nodeAddresses: ["pve2=h1", "pve2=h2:2222", "pve3=h3", "pve4=h4"]
        case let .words(words): (0..<4).map { words[$0 % words.count] }
        case .programs: ["df", "uptime,df", "/usr/bin/systemctl", "journalctl,systemctl"]
        case .addresses: ["h1", "h2:2222", "h3,h4", "[::1]:22"]
        case .jumps: ["b1", "admin@b2:2222", "b3,b4", "u@b5"]
        case .clusterName: ["one", "two", "three", "four"]
        }
    }

    @Test(arguments: SettingCatalog.all.map(\.key))
    func flagBeatsEnvironmentBeatsDotEnvBeatsFileBeatsDefault(_ key: String) throws {
        let setting = try #require(SettingCatalog.setting(key))
        let values = Self.samples(setting.kind)
        let folder = try Folder()
        let flag = setting.kind == .flag ? ["\(setting.flag)=\(values[0])"] : [setting.flag, values[0]]
        let environment = [setting.variable: values[1]]
        try folder.write(".env", "# a comment\nexport \(setting.variable)=\"\(values[2])\"\n")
        let json = String(decoding: try JSONEncoder().encode([key: values[3]]), as: UTF8.self)
        try folder.write("proxmox-config.json", json)

        var configuration = folder.load(flag, environment: environment)
        #expect(configuration.problems == [])
        #expect(configuration.text(key) == values[0])
        #expect(configuration.source(key) == .flag)
        configuration = folder.load(environment: environment)
        #expect(configuration.text(key) == values[1])
        #expect(configuration.source(key) == .environment)
        configuration = folder.load()
        #expect(configuration.text(key) == values[2])
        #expect(configuration.source(key) == .dotEnv(folder.path + "/.env"))
        folder.remove(".env")
        configuration = folder.load()
        #expect(configuration.text(key) == values[3])
        #expect(configuration.source(key) == .file(folder.path + "/proxmox-config.json"))
        folder.remove("proxmox-config.json")
        configuration = folder.load()
        #expect(configuration.text(key) == setting.defaultValue)
        #expect(configuration.source(key) == (setting.defaultValue == nil ? nil : .defaultValue))
    }

    @Test func configFileIsFoundInOrder() throws {
        let folder = try Folder()
        try folder.write("home/.config/mcp-proxmox-admin/config.json", #"{"host": "from-home"}"#)
        #expect(folder.load().text("host") == "from-home")
        try folder.write("proxmox-config.json", #"{"host": "from-working-directory"}"#)
        #expect(folder.load().text("host") == "from-working-directory")
        try folder.write("elsewhere.json", #"{"host": "from-environment-path"}"#)
        #expect(folder.load(environment: ["PROXMOX_CONFIG": folder.path + "/elsewhere.json"]).text("host") == "from-environment-path")
        try folder.write("flagged.json", #"{"host": "from-flag-path"}"#)
        let flagged = folder.load(["--config", folder.path + "/flagged.json"], environment: ["PROXMOX_CONFIG": folder.path + "/elsewhere.json"])
        #expect(flagged.text("host") == "from-flag-path")
        #expect(flagged.configFile == folder.path + "/flagged.json")
    }

    @Test func configFileTakesNativeJSONTypes() throws {
        let folder = try Folder()
        try folder.write("proxmox-config.json", """
            {"host": "pve1.lan", "sshPort": 2222, "safeMode": true, "readOnly": false, "timeout": 90000,
             "protectedVmids": [100, 101], "nodeAddresses": {"pve2": "10.0.0.2", "pve3": "10.0.0.3:2200"},
             "defaultNode": null, "sshHostKeyPolicy": "accept-new"}
            """)
        let configuration = folder.load()
        #expect(configuration.problems == [])
        let policy = ServerPolicy(configuration)
        #expect(policy.safeMode && !policy.readOnly)
        #expect(policy.protectedVMIDs == [100, 101])
        #expect(policy.timeout == .milliseconds(90000))
        #expect(policy.defaultNode == nil)
        let settings = ConnectionSettings(configuration, environment: [:])
        #expect(settings.endpoint.host == "pve1.lan" && settings.endpoint.port == 2222)
        #expect(settings.endpoint.hostKeyPolicy == .acceptNew)
        #expect(settings.nodeAddresses.mapValues { "\($0.host):\($0.port)" } == ["pve2": "10.0.0.2:2222", "pve3": "10.0.0.3:2200"])
    }

    /// Each value reaches the part of the server that uses it.
    @Test func everySettingReachesItsUser() throws {
        let folder = try Folder()
        let configuration = folder.load([
            "--host", "pve9", "--ssh-port", "2200", "--ssh-user", "admin", "--ssh-key-path", "~/keys/id",
            "--ssh-key-passphrase", "pass phrase", "--ssh-password", "pw 123", "--ssh-agent=false",
            "--ssh-known-hosts", "/etc/kh", "--ssh-host-key-policy", "accept-new", "--ssh-keepalive", "30", "--sudo",
            "--node-addresses", "pve2=10.1.1.2", "--default-transport", "api", "--default-node", "pve2", "--timeout", "5000",
            "--fallback=off", "--max-output", "4096", "--safe-mode", "--read-only", "--protected-vmids", "100, 9000",
            "--audit-log", "~/audit.jsonl", "--log-level", "debug",
        ], environment: ["SSH_AUTH_SOCK": "/tmp/agent.sock"])
        #expect(configuration.problems == [])
        let settings = ConnectionSettings(configuration, environment: ["SSH_AUTH_SOCK": "/tmp/agent.sock"])
        let endpoint = settings.endpoint
        #expect(endpoint.host == "pve9" && endpoint.port == 2200 && endpoint.user == "admin")
        #expect(endpoint.privateKeyPath == folder.home + "/keys/id")
        #expect(endpoint.passphrase == "pass phrase" && endpoint.password == "pw 123")
        #expect(endpoint.agentSocket == nil)
        #expect(endpoint.knownHostsPath == "/etc/kh" && endpoint.hostKeyPolicy == .acceptNew)
        #expect(endpoint.keepaliveInterval == .seconds(30) && endpoint.maxOutputBytes == 4096)
        #expect(settings.sudo)
        #expect(settings.nodeAddresses["pve2"]?.host == "10.1.1.2" && settings.nodeAddresses["pve2"]?.port == 2200)
        let policy = ServerPolicy(configuration)
        #expect(policy.defaultTransport == .api && policy.defaultNode == "pve2" && policy.timeout == .seconds(5))
        #expect(!policy.fallback && policy.safeMode && policy.readOnly && policy.protectedVMIDs == [100, 9000])
        #expect(policy.auditLog == folder.home + "/audit.jsonl")
        #expect(configuration.text("logLevel") == "debug")
        #expect(Set(configuration.secrets) == ["pass phrase", "pw 123"])
        #expect(configuration.warnings == [
            "sshKeyPassphrase given as a flag is visible to every local user (ps); pass PROXMOX_SSH_KEY_PASSPHRASE in the environment or put it in a chmod 600 config file",
            "sshPassword given as a flag is visible to every local user (ps); pass PROXMOX_SSH_PASSWORD in the environment or put it in a chmod 600 config file",
        ])

        // Defaults: root on 22, the agent, known_hosts in the home, strict, auto, 60 s, fallback on.
        let defaults = folder.load(["--host", "pve1"], environment: ["SSH_AUTH_SOCK": "/tmp/agent.sock"])
        let plain = ConnectionSettings(defaults, environment: ["SSH_AUTH_SOCK": "/tmp/agent.sock"]).endpoint
        #expect(plain.port == 22 && plain.user == "root" && plain.agentSocket == "/tmp/agent.sock")
        #expect(plain.knownHostsPath == folder.home + "/.ssh/known_hosts" && plain.hostKeyPolicy == .strict)
        #expect(plain.privateKeyPath == nil)  // no default key file exists in this home
        #expect(plain.keepaliveInterval == .seconds(15) && plain.maxOutputBytes == 64 * 1024 * 1024)
        let defaultPolicy = ServerPolicy(defaults)
        #expect(defaultPolicy.defaultTransport == .auto && defaultPolicy.timeout == .seconds(60) && defaultPolicy.fallback)
        #expect(!defaultPolicy.safeMode && !defaultPolicy.readOnly && defaultPolicy.protectedVMIDs.isEmpty && defaultPolicy.auditLog == nil)
        try folder.write("home/.ssh/id_ecdsa", "key")
        #expect(ConnectionSettings(folder.load(), environment: [:]).endpoint.privateKeyPath == folder.home + "/.ssh/id_ecdsa")
        try folder.write("home/.ssh/id_ed25519", "key")
        #expect(ConnectionSettings(folder.load(), environment: [:]).endpoint.privateKeyPath == folder.home + "/.ssh/id_ed25519")
    }

    @Test func everyProblemIsReportedAtOnceWithKeyAndSource() throws {
        let folder = try Folder()
        try folder.write(".env", "PROXMOX_SSH_KEEPALIVE=0\nPROXMOX_PROTECTED_VMIDS=100,abc,42\nthis line is wrong\n")
        try folder.write("proxmox-config.json", """
            {"nodeAddresses": "pve2", "defaultNode": "-bad", "sshUser": ["a", "b", {"c": 1}], "PROXMOX_HOST": "x", "colour": 1, "sshUsr": "a",
             "maxOutput": 10}
            """)
        var configuration = folder.load(["--ssh-port", "0", "--safe-mode=maybe", "--default-transport", "https", "--hots", "x", "--timeout"],
                                        environment: ["PROXMOX_SSH_HOST_KEY_POLICY": "yolo", "PROXMOX_SSH_PASSWORD": "a\0b",
                                                      "PROXMOX_LOG_LEVEL": "loud"])
        configuration.require("host", because: "the Proxmox node to log in to")
        let env = folder.path + "/.env"
        let file = folder.path + "/proxmox-config.json"
        #expect(configuration.problems == [
            "unknown option '--hots x' (did you mean --hosts?) (see --help and docs/configuration.md)",
            "--timeout needs a value",
            "\(env) line 3 is not KEY=value",
            "config file \(file): unknown key 'PROXMOX_HOST' (the file uses keys such as sshUser, not variable names)",
            "config file \(file): unknown key 'colour'",
            "sshUser (\(file): sshUser) has a value of the wrong type",
            "config file \(file): unknown key 'sshUsr' (did you mean sshUser?)",
            "sshPort = '0' (flag --ssh-port) is not a TCP port (1-65535)",
            "sshPassword = *** (environment PROXMOX_SSH_PASSWORD) contains a NUL character",
            "sshHostKeyPolicy = 'yolo' (environment PROXMOX_SSH_HOST_KEY_POLICY) is not one of strict, accept-new",
            "sshKeepalive = '0' (\(env): PROXMOX_SSH_KEEPALIVE) is not a whole number from 1 to 3600",
            "nodeAddresses = 'pve2' (\(file): nodeAddresses) has 'pve2', not node=host or node=host:port",
            "defaultTransport = 'https' (flag --default-transport) is not one of cli, api, auto, ssh",
            "defaultNode = '-bad' (\(file): defaultNode) is not a node name",
            "maxOutput = '10' (\(file): maxOutput) is not a whole number from 1024 to 1073741824",
            "safeMode = 'maybe' (flag --safe-mode) is not true or false",
            "protectedVmids = '100,abc,42' (\(env): PROXMOX_PROTECTED_VMIDS) has 'abc', '42', not a guest id (100-999999999)",
            "logLevel = 'loud' (environment PROXMOX_LOG_LEVEL) is not one of trace, debug, info, notice, warning, error, critical",
            "host is not set (--host, PROXMOX_HOST or \"host\" in the config file): the Proxmox node to log in to",
        ])
        #expect(throws: ConfigurationError.self) { try configuration.validated() }
        // An invalid value never falls through to a lower layer or the default.
        #expect(configuration.text("sshPort") == nil)
        #expect(configuration.text("sshKeepalive") == nil)
    }

    @Test func badPortFromEachLayerNamesThatLayer() throws {
        let folder = try Folder()
        #expect(folder.load(["--ssh-port", "0"]).problems == ["sshPort = '0' (flag --ssh-port) is not a TCP port (1-65535)"])
        #expect(folder.load(environment: ["PROXMOX_SSH_PORT": "x"]).problems
                == ["sshPort = 'x' (environment PROXMOX_SSH_PORT) is not a TCP port (1-65535)"])
        try folder.write(".env", "PROXMOX_SSH_PORT=70000\n")
        #expect(folder.load().problems == ["sshPort = '70000' (\(folder.path)/.env: PROXMOX_SSH_PORT) is not a TCP port (1-65535)"])
        folder.remove(".env")
        try folder.write("proxmox-config.json", #"{"sshPort": 2.5}"#)
        #expect(folder.load().problems == ["sshPort = '2.5' (\(folder.path)/proxmox-config.json: sshPort) is not a TCP port (1-65535)"])
    }

    @Test func missingOrBrokenConfigFilesAreProblems() throws {
        let folder = try Folder()
        #expect(folder.load(["--config", "/nonexistent/c.json"]).problems
                == ["config file /nonexistent/c.json (from flag --config) does not exist"])
        #expect(folder.load(environment: ["PROXMOX_CONFIG": "/nonexistent/e.json"]).problems
                == ["config file /nonexistent/e.json (from environment PROXMOX_CONFIG) does not exist"])
        try folder.write("proxmox-config.json", "{ not json")
        #expect(folder.load().problems == ["config file \(folder.path)/proxmox-config.json is not a JSON object"])
        try folder.write("proxmox-config.json", "[1, 2]")
        #expect(folder.load().problems == ["config file \(folder.path)/proxmox-config.json is not a JSON object"])
    }

    @Test func warningsForExposedFilesCompatibilityKeysAndTypos() throws {
        let folder = try Folder()
        try folder.write("proxmox-config.json", #"{"host": "pve1", "apiTokenSecret": "s3cr3t-token", "verifySsl": false}"#, mode: 0o644)
        try folder.write(".env", "PROXMOX_SSH_USR=admin\n", mode: 0o640)
        let configuration = folder.load(environment: ["PROXMOX_TIMOUT": "5"])
        #expect(configuration.problems == [])
        let file = folder.path + "/proxmox-config.json"
        let env = folder.path + "/.env"
        #expect(configuration.exposedFiles == [env, file])
        #expect(configuration.warnings == [
            "PROXMOX_TIMOUT in the environment is not a setting of this server (did you mean PROXMOX_TIMEOUT?) (docs/configuration.md lists them)",
            "\(env) is readable by group or others (mode 640): it may hold secrets; run chmod 600 \(env)",
            "PROXMOX_SSH_USR in \(env) is not a setting of this server (did you mean PROXMOX_SSH_USER?) (docs/configuration.md lists them)",
            "\(file) is readable by group or others (mode 644): it may hold secrets; run chmod 600 \(file)",
            "apiTokenSecret (\(file): apiTokenSecret) is accepted for compatibility and not used: this server speaks SSH only",
            "verifySsl (\(file): verifySsl) is accepted for compatibility and not used: this server speaks SSH only",
        ])
        #expect(configuration.secrets == ["s3cr3t-token"])
        #expect(!configuration.warnings.joined().contains("s3cr3t-token"))
    }

    @Test func namesFollowFromTheKey() {
        let setting = SettingCatalog.setting("sshKeyPath")!
        #expect(setting.variable == "PROXMOX_SSH_KEY_PATH" && setting.flag == "--ssh-key-path")
        #expect(SettingCatalog.setting("verifySsl")?.variable == "PROXMOX_VERIFY_SSL")
        #expect(SettingCatalog.setting("apiTokenId")?.flag == "--api-token-id")
        // The design's variables are all there.
        let variables = Set(SettingCatalog.all.map(\.variable))
        for name in ["PROXMOX_HOST", "PROXMOX_PORT", "PROXMOX_API_TOKEN_ID", "PROXMOX_API_TOKEN_SECRET", "PROXMOX_VERIFY_SSL",
                     "PROXMOX_SSH_USER", "PROXMOX_SSH_PORT", "PROXMOX_SSH_KEY_PATH", "PROXMOX_SSH_PASSWORD",
                     "PROXMOX_DEFAULT_TRANSPORT", "PROXMOX_DEFAULT_NODE", "PROXMOX_TIMEOUT", "PROXMOX_SAFE_MODE"] {
            #expect(variables.contains(name), "\(name)")
        }
    }
}
