import Foundation

/// Backup archives as storages list them, and what a vzdump log says about each guest.

/// One backup archive in a storage (`GET /nodes/{node}/storage/{storage}/content --content backup`).
public struct BackupArchive: Codable, Hashable, Sendable {
    /// `storage:backup/vzdump-qemu-100-2026_11_30-02_00_00.vma.zst` or, on Proxmox Backup Server,
    /// `storage:backup/vm/100/2026-11-30T02:00:00Z`.
    public var volid: String
    public var storage: String
    /// The node it was listed on (archives on shared storage are seen from every node).
    public var node: String
    public var vmid: Int?
    /// `qemu` or `lxc`, from the listing's subtype or the volume name.
    public var type: GuestKind?
    /// Creation time, seconds since epoch.
    public var ctime: Int64?
    /// Bytes.
    public var size: Int64?
    /// `vma.zst`, `tar.zst`, `pbs-vm`, `pbs-ct`, ...
    public var format: String?
    /// First line of the notes.
    public var notes: String?
    /// Protected archives are never pruned and cannot be deleted until unprotected.
    public var protected: Bool
    /// Proxmox Backup Server only: whether it is encrypted (the key's fingerprint, or `1`).
    public var encrypted: String?
    /// Proxmox Backup Server only: the last verification's state (`ok`, `failed`) and task.
    public var verification: String?
    public var verificationUpid: String?

    public init(volid: String, storage: String, node: String, vmid: Int?, type: GuestKind?, ctime: Int64?, size: Int64?, format: String?,
                notes: String?, protected: Bool, encrypted: String?, verification: String?, verificationUpid: String?) {
        self.volid = volid
        self.storage = storage
        self.node = node
        self.vmid = vmid
        self.type = type
        self.ctime = ctime
        self.size = size
        self.format = format
        self.notes = notes
        self.protected = protected
        self.encrypted = encrypted
        self.verification = verification
        self.verificationUpid = verificationUpid
    }

    public static let schema = ResultSchema.object([
        .string("volid", "Archive volume id (pass to restore or delete)", required: true),
        .string("storage", "Storage id", required: true),
        .string("node", "Node it was listed on", required: true),
        .integer("vmid", "Guest it is a backup of"),
        .choice("type", ["qemu", "lxc"], "VM or container backup"),
        .integer("ctime", "Created, seconds since epoch"),
        .integer("size", "Size, bytes"),
        .string("format", "vma.zst, tar.zst, pbs-vm, pbs-ct, ..."),
        .string("notes", "Notes (first line)"),
        .boolean("protected", "Protected: not pruned, not deletable until unprotected", required: true),
        .string("encrypted", "PBS: key fingerprint or 1 when encrypted"),
        .string("verification", "PBS: last verification state (ok, failed)"),
        .string("verificationUpid", "PBS: task of the last verification"),
    ])

    public var line: String {
        var text = volid
        if let ctime { text += "  \(Render.utc(ctime))" }
        if let size { text += "  \(Render.gib(size)) GiB" }
        if protected { text += "  protected" }
        if let verification { text += "  verified: \(verification)" }
        if let notes, !notes.isEmpty { text += "  \(notes)" }
        return text
    }

    /// The guest kind a backup volume holds, from its name: `vzdump-qemu-`, `vzdump-lxc-`
    /// (`vzdump-openvz-` is an old container backup), PBS `backup/vm/`, `backup/ct/`.
    public static func kind(ofVolume volid: String) -> GuestKind? {
        let name = volid.split(separator: ":", maxSplits: 1).last.map(String.init) ?? volid
        if name.contains("vzdump-qemu-") || name.hasPrefix("backup/vm/") { return .qemu }
        if name.contains("vzdump-lxc-") || name.contains("vzdump-openvz-") || name.hasPrefix("backup/ct/") { return .lxc }
        return nil
    }

    public static func parseList(_ document: JSONValue, node: String) throws(ParseFailure) -> [BackupArchive] {
        guard let entries = document.arrayValue else { throw ParseFailure("expected a JSON array of volumes") }
        return try entries.filter { ($0["content"]?.stringValue ?? "backup") == "backup" }.map { entry throws(ParseFailure) in
            guard let volid = entry["volid"]?.stringValue else { throw ParseFailure("a volume has no 'volid' field") }
            let subtype = entry["subtype"]?.stringValue.flatMap(GuestKind.init(rawValue:))
            let verification = entry["verification"]
            return BackupArchive(
                volid: volid, storage: String(volid.prefix { $0 != ":" }), node: node, vmid: entry["vmid"]?.intValue.map { Int($0) },
                type: subtype ?? kind(ofVolume: volid), ctime: entry["ctime"]?.intValue, size: entry["size"]?.intValue,
                format: entry["format"]?.stringValue, notes: entry["notes"]?.stringValue,
                protected: entry["protected"]?.boolValue ?? false, encrypted: entry["encrypted"]?.stringValue,
                verification: verification?["state"]?.stringValue, verificationUpid: verification?["upid"]?.stringValue)
        }
    }
}

/// What a vzdump task's log says about one guest of the job.
public struct GuestBackup: Codable, Hashable, Sendable {
    public var vmid: Int
    public var type: GuestKind?
    /// The archive's volume id, once vzdump named it.
    public var volid: String?
    /// Bytes, from the storage's listing (or the log's `archive file size`, rounded).
    public var size: Int64?
    /// Seconds, from `Finished Backup of VM N (HH:MM:SS)`.
    public var duration: Int64?
    public var succeeded: Bool
    /// Why it failed (`ERROR: Backup of VM N failed - ...`).
    public var error: String?

    public init(vmid: Int, type: GuestKind? = nil, volid: String? = nil, size: Int64? = nil, duration: Int64? = nil, succeeded: Bool,
                error: String? = nil) {
        self.vmid = vmid
        self.type = type
        self.volid = volid
        self.size = size
        self.duration = duration
        self.succeeded = succeeded
        self.error = error
    }

    public static let schema = ResultSchema.object([
        .integer("vmid", "Guest id", required: true),
        .choice("type", ["qemu", "lxc"], "VM or container"),
        .string("volid", "Archive volume id"),
        .integer("size", "Archive size, bytes"),
        .integer("duration", "Backup time, seconds"),
        .boolean("succeeded", "Its backup finished", required: true),
        .string("error", "Why it failed"),
    ])

    public var line: String {
        guard succeeded else { return "\(type?.noun ?? "guest") \(vmid): FAILED: \(error ?? "unknown error")" }
        var text = "\(type?.noun ?? "guest") \(vmid): \(volid ?? "archive not named")"
        if let size { text += ", \(Render.gib(size)) GiB" }
        if let duration { text += ", \(duration) s" }
        return text
    }

    /// The guests of a vzdump log, in the order they were backed up. `storage` turns the
    /// archive's file name (or PBS snapshot) into its volume id.
    public static func parseLog(_ lines: [String], storage: String) -> [GuestBackup] {
        var guests: [GuestBackup] = []
        for line in lines {
            if let rest = line.after("INFO: Starting Backup of VM ") {
                let words = rest.split(separator: " ")
                guard let vmid = words.first.flatMap({ Int($0) }) else { continue }
                let kind = words.dropFirst().first.flatMap { GuestKind(rawValue: $0.trimmingCharacters(in: ["(", ")"])) }
                guests.append(GuestBackup(vmid: vmid, type: kind, succeeded: false))
            } else if let path = line.quoted(after: "INFO: creating vzdump archive '") {
                guests.indices.last.map { guests[$0].volid = "\(storage):backup/\(path.split(separator: "/").last ?? "")" }
            } else if let snapshot = line.quoted(after: "INFO: creating Proxmox Backup Server archive '") {
                guests.indices.last.map { guests[$0].volid = "\(storage):backup/\(snapshot)" }
            } else if let rest = line.after("INFO: archive file size: ") {
                guests.indices.last.map { guests[$0].size = Self.bytes(rest) }
            } else if let rest = line.after("INFO: Finished Backup of VM ") {
                guard let index = guests.lastIndex(where: { rest.hasPrefix("\($0.vmid) ") }) else { continue }
                guests[index].succeeded = true
                guests[index].duration = rest.quoted(after: "(", until: ")").flatMap(Self.seconds)
            } else if let rest = line.after("ERROR: Backup of VM ") {
                let words = rest.split(separator: " ", maxSplits: 1)
                guard let vmid = words.first.flatMap({ Int($0) }) else { continue }
                let reason = rest.range(of: " failed - ").map { String(rest[$0.upperBound...]) } ?? rest
                if let index = guests.lastIndex(where: { $0.vmid == vmid }) {
                    guests[index].succeeded = false
                    guests[index].error = reason
                } else {
                    guests.append(GuestBackup(vmid: vmid, succeeded: false, error: reason))
                }
            }
        }
        return guests
    }

    /// `HH:MM:SS` as seconds.
    static func seconds(_ text: String) -> Int64? {
        let parts = text.split(separator: ":").map { Int64($0) }
        guard parts.count == 3, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts[0]! * 3600 + parts[1]! * 60 + parts[2]!
    }

    /// vzdump's `5.12GB`, `412MB`, `1.2KB` (powers of 1024, as vzdump's format_size), in bytes.
    static func bytes(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("TB", 1_099_511_627_776), ("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024), ("B", 1)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)) else { return nil }
            return Int64(value * factor)
        }
        return Int64(trimmed)
    }
}

extension String {
    /// The rest of the line after `prefix`, when it starts with it.
    func after(_ prefix: String) -> String? { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil }

    /// The text between `opening` (where the line starts with it or contains it) and `closing`.
    func quoted(after opening: String, until closing: Character = "'") -> String? {
        guard let start = range(of: opening)?.upperBound, let end = self[start...].firstIndex(of: closing) else { return nil }
        return String(self[start..<end])
    }
}
