import Foundation

/// The schemas built into the executable, for hosts without pve-docs' API viewer: Proxmox VE 9.1 and
/// 8.4. Each is decompressed and read once, on first use.
public enum EmbeddedSchemas {
    /// Proxmox VE 9.1.
    public static let pve9: APISchema = load(pve9Compressed, source: "embedded 9.1")
    /// Proxmox VE 8.4.
    public static let pve8: APISchema = load(pve8Compressed, source: "embedded 8.4")

    /// The schema for a host's release (`pve-manager/8.4.1/...` or `8.4.1`): 8.4 for PVE 8 and
    /// earlier, 9.1 otherwise (and when the release is unknown).
    public static func forRelease(_ release: String?) -> APISchema {
        let text = release.map { $0.hasPrefix("pve-manager/") ? String($0.dropFirst("pve-manager/".count)) : $0 }
        guard let major = text?.split(separator: ".").first.flatMap({ Int($0) }) else { return pve9 }
        return major <= 8 ? pve8 : pve9
    }

    private static func load(_ base64: String, source: String) -> APISchema {
        do {
            guard let compressed = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
                throw ParseFailure("not base64")
            }
            return try APISchema(tree: JSONValue.parse(try Inflate.data(compressed)), source: source)
        } catch {
            // The data is generated and tested; a damaged build is a programming error.
            fatalError("the \(source) API schema does not load: \(error)")
        }
    }
}
