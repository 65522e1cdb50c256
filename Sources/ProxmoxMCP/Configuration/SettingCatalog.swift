/// Every configuration option, in the order docs/configuration.md and `doctor` show them.
/// The loader, the validation, the flags and the documentation all come from this table.
public enum SettingCatalog {
    public static let all: [Setting] = [
        // Where and who.
        Setting(key: "host", defaultValue: nil, kind: .text,
                meaning: "The Proxmox VE node to log in to (name or address). Required unless --simulator or --replay."),
        Setting(key: "sshPort", defaultValue: "22", kind: .port, meaning: "SSH port of the host."),
        Setting(key: "sshUser", defaultValue: "root", kind: .text,
                meaning: "Login user. Not root? Set sudo and allow pvesh, qm and pct without a password (docs/setup.md)."),
        Setting(key: "sshKeyPath", defaultValue: nil, kind: .path,
                meaning: "Private key, ed25519 or ecdsa (libssh2 1.10 cannot sign with RSA for OpenSSH 8.8+). Default: ~/.ssh/id_ed25519, else ~/.ssh/id_ecdsa, when present."),
        Setting(key: "sshKeyPassphrase", defaultValue: nil, kind: .secret, meaning: "Passphrase of that key."),
        Setting(key: "sshPassword", defaultValue: nil, kind: .secret,
                meaning: "Password, tried last (after the agent and the key), as OpenSSH does."),
        Setting(key: "sshAgent", defaultValue: "true", kind: .flag,
                meaning: "Try the ssh-agent at SSH_AUTH_SOCK first."),
        Setting(key: "sshKnownHosts", defaultValue: "~/.ssh/known_hosts", kind: .path,
                meaning: "known_hosts file holding the host's key (plain, hashed and [host]:port entries). A changed key is always refused."),
        Setting(key: "sshHostKeyPolicy", defaultValue: "strict", kind: .choice(["strict", "accept-new"]),
                meaning: "strict: the host key must be in known_hosts. accept-new: add an unknown host's key on first contact."),
        Setting(key: "sshKeepalive", defaultValue: "15", kind: .number(1...3600),
                meaning: "Seconds between SSH keepalives; a dropped connection is noticed and reopened on the next call."),
        Setting(key: "sshConnections", defaultValue: "3", kind: .number(1...16),
                meaning: "Connections to the host at most. One carries 8 commands at once (sshd's MaxSessions is 10); another opens when all are busy (same host-key check and login) and closes after 30 s idle."),
        Setting(key: "sudo", defaultValue: "false", kind: .flag,
                meaning: "Run pvesh, qm and pct through `sudo -n` (a non-root login with NOPASSWD rules)."),
        Setting(key: "nodeAddresses", defaultValue: nil, kind: .nodeAddresses,
                meaning: "Addresses of the other nodes for qm/pct on their guests, e.g. pve2=10.0.0.2,pve3=10.0.0.3:2222. Default: the addresses in /cluster/status."),
        // How tools behave.
        Setting(key: "defaultTransport", defaultValue: "auto", kind: .choice(["cli", "api", "auto", "ssh"]),
                meaning: "cli: qm/pct as an admin types them (ssh is its earlier name); api: pvesh (the REST API over SSH); auto: pvesh for reads and power, qm/pct for the rest."),
        Setting(key: "toolsets", defaultValue: "core", kind: .words(ToolCatalog.selectable),
                meaning: "Toolsets whose tools are listed and callable: core (guests, snapshots, config, nodes, storage), all, or toolset ids, e.g. core,tasks."),
        Setting(key: "dynamicToolsets", defaultValue: "false", kind: .flag,
                meaning: "Let the model list the toolsets (proxmox_toolset_list) and switch one on for the session (proxmox_toolset_enable)."),
        Setting(key: "defaultNode", defaultValue: nil, kind: .nodeName,
                meaning: "Node for node-scoped tools when a call names none. Default: the node logged in to."),
        Setting(key: "timeout", defaultValue: "60000", kind: .number(1000...86_400_000),
                meaning: "Per-command deadline in milliseconds (commands run under `timeout -k` on the host, so they stop there too); tasks wait at least 300 s unless the call says otherwise."),
        Setting(key: "fallback", defaultValue: "true", kind: .flag,
                meaning: "When the chosen form could not start (tool missing, unparseable read), try the other form. Never after a change ran."),
        Setting(key: "maxOutput", defaultValue: "67108864", kind: .number(1024...1_073_741_824),
                meaning: "The most bytes one command may print before it is cut off with an error."),
        // Safety.
        Setting(key: "safeMode", defaultValue: "false", kind: .flag,
                meaning: "Refuse create, clone and delete (guests). Power, snapshots and config changes stay allowed."),
        Setting(key: "confirm", defaultValue: "destructive", kind: .choice(ConfirmationPolicy.allCases.map(\.rawValue)),
                meaning: "Which tools need confirm: true (else the user is asked, when the client can ask): destructive (every destructive tool: hard stop, rollback, snapshot and guest delete, backup delete, restore over a guest, task stop), deletes (only guest and backup deletes), never (scripts)."),
        Setting(key: "allowApiWrites", defaultValue: "false", kind: .flag,
                meaning: "List and allow proxmox_api_call: any POST, PUT or DELETE of the Proxmox VE API, checked against its schema, destructive (confirmed like every destructive tool), subject to readOnly, safeMode and protectedVmids."),
        Setting(key: "guestExec", defaultValue: nil, kind: .programs,
                meaning: "Programs proxmox_vm_agent_exec and proxmox_ct_exec may run inside guests, e.g. df,uptime,systemctl,journalctl (a name runs as the guest's PATH finds it, a path exactly that file). Empty: both tools are off. Shells and launchers (sh, bash, env, sudo, python...) are never allowed."),
        Setting(key: "readOnly", defaultValue: "false", kind: .flag,
                meaning: "List and allow only tools that change nothing."),
        Setting(key: "protectedVmids", defaultValue: nil, kind: .vmids,
                meaning: "Guests that are never stopped, shut down, restarted, rolled back, reconfigured, deleted or stripped of a snapshot, e.g. 100,101."),
        Setting(key: "auditLog", defaultValue: nil, kind: .path,
                meaning: "Append one JSON line per changing call (time, tool, arguments with secrets redacted, transport, commands, outcome, task) to this file."),
        Setting(key: "logLevel", defaultValue: "notice",
                kind: .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]),
                meaning: "Log level; logs go to stderr (stdout belongs to MCP)."),
        // Accepted for configurations written for HTTPS-API servers.
        Setting(key: "port", defaultValue: "8006", kind: .port, meaning: "HTTPS API port. Not used: this server speaks SSH only.",
                compatibilityOnly: true),
        Setting(key: "apiTokenId", defaultValue: nil, kind: .text,
                meaning: "API token id. Not used: pvesh runs on the host with the SSH user's rights.", compatibilityOnly: true),
        Setting(key: "apiTokenSecret", defaultValue: nil, kind: .secret,
                meaning: "API token secret. Not used (see apiTokenId); still masked everywhere.", compatibilityOnly: true),
        Setting(key: "verifySsl", defaultValue: "true", kind: .flag,
                meaning: "TLS verification. Not used: there is no TLS; the SSH host key check (sshKnownHosts) takes its place.",
                compatibilityOnly: true),
    ]

    /// The setting with this key.
    public static func setting(_ key: String) -> Setting? {
        all.first { $0.key == key }
    }
}
