import Foundation

/// The Proxmox VE API as its own schema describes it (pve-docs' api-viewer data): every path and
/// method, with parameters, return shapes and permissions. Calls of `proxmox_api_*` are checked
/// against it before anything runs.
public struct APISchema: Sendable {
    /// Which schema this is: `host /usr/share/pve-docs/api-viewer/apidoc.js`, `embedded 9.1`, `embedded 8.4`.
    public let source: String
    /// Every endpoint, by path then method.
    public let endpoints: [APIEndpoint]

    /// Reads the schema tree (a JSON array of nodes with `path`, `info` and `children`).
    public init(tree: JSONValue, source: String) throws(ParseFailure) {
        guard case let .array(roots) = tree else { throw ParseFailure("the API schema is not a JSON array") }
        var found: [APIEndpoint] = []
        func walk(_ node: JSONValue) {
            guard let path = node["path"]?.stringValue else { return }
            if case let .object(methods)? = node["info"] {
                for (method, info) in methods { found.append(APIEndpoint(path: path, method: method, info: info)) }
            }
            for child in node["children"]?.arrayValue ?? [] { walk(child) }
        }
        for root in roots { walk(root) }
        guard !found.isEmpty else { throw ParseFailure("the API schema has no endpoints") }
        self.source = source
        endpoints = found.sorted { ($0.path, APIEndpoint.methodOrder($0.method)) < ($1.path, APIEndpoint.methodOrder($1.method)) }
    }

    /// The schema in pve-docs' `apidoc.js` (or `apidata.js`): `const apiSchema = [ ... ];` followed by
    /// the viewer's code. The array is cut out by matching brackets outside strings.
    public init(apiDoc text: String, source: String) throws(ParseFailure) {
        let bytes = Array(text.utf8)
        guard let marker = text.range(of: "apiSchema"),
              let open = bytes[text.utf8.distance(from: text.utf8.startIndex, to: marker.upperBound)...].firstIndex(of: UInt8(ascii: "["))
        else { throw ParseFailure("no apiSchema array in the API viewer's script") }
        var depth = 0, inString = false, escaped = false, end: Int?
        for index in open..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { end = index }
            default: break
            }
            if end != nil { break }
        }
        guard let end else { throw ParseFailure("the apiSchema array of the API viewer's script does not end") }
        let tree: JSONValue
        do { tree = try JSONValue.parse(bytes[open...end]) } catch { throw ParseFailure("the apiSchema array is not JSON: \(error)") }
        try self.init(tree: tree, source: source)
    }

    /// The endpoint a concrete path and method name, with the values of its path variables; the
    /// template with the most literal segments wins (`/nodes/{node}/qemu` over `/nodes/{node}/{x}`).
    public func endpoint(_ method: String, path: String) throws(ProxmoxError) -> (endpoint: APIEndpoint, variables: [String: String]) {
        let segments = try APIPath.segments(path)
        var best: (endpoint: APIEndpoint, variables: [String: String], literals: Int)?
        var otherMethods: Set<String> = []
        for endpoint in endpoints where endpoint.segments.count <= segments.count {
            var concrete = segments
            // A volume id holds slashes (`nas:backup/vzdump-...`): a last variable takes the rest of the path.
            if endpoint.segments.count < segments.count {
                guard case let .variable(name)? = endpoint.segments.last, ["volume", "volid"].contains(name) else { continue }
                let head = Array(segments.prefix(endpoint.segments.count - 1))
                concrete = head + [segments.dropFirst(head.count).joined(separator: "/")]
            }
            var variables: [String: String] = [:]
            var literals = 0
            var matches = true
            for (template, concrete) in zip(endpoint.segments, concrete) {
                switch template {
                case let .literal(text):
                    if text != concrete { matches = false } else { literals += 1 }
                case let .variable(name):
                    variables[name] = concrete
                }
                if !matches { break }
            }
            guard matches else { continue }
            if endpoint.method != method { otherMethods.insert(endpoint.method); continue }
            if literals > best?.literals ?? -1 { best = (endpoint, variables, literals) }
        }
        guard let best else {
            if !otherMethods.isEmpty {
                throw .invalidArgument(field: "path", reason: "\(path.prefix(120)) has no \(method) endpoint (it has \(otherMethods.sorted().joined(separator: ", ")))")
            }
            throw .invalidArgument(field: "path", reason: "\(path.prefix(120)) is not a path of the Proxmox VE API (\(source)); proxmox_api_describe lists them")
        }
        return (best.endpoint, best.variables)
    }

    /// The endpoints at or under a path prefix (a template such as `/nodes/{node}/qemu`, or a concrete
    /// path, whose variables match any template variable).
    public func endpoints(under prefix: String) throws(ProxmoxError) -> [APIEndpoint] {
        let wanted = try APIPath.segments(prefix, templates: true)
        return endpoints.filter { endpoint in
            guard endpoint.segments.count >= wanted.count else { return false }
            return zip(endpoint.segments, wanted).allSatisfy { template, given in
                switch template {
                case let .literal(text): given == text
                case let .variable(name): given == "{\(name)}" || !given.hasPrefix("{")
                }
            }
        }
    }
}

/// One method on one path.
public struct APIEndpoint: Sendable, Hashable {
    /// The template, e.g. `/nodes/{node}/qemu/{vmid}/rrddata`.
    public let path: String
    /// GET, POST, PUT or DELETE.
    public let method: String
    public let description: String
    /// Every parameter, path variables included, by name.
    public let parameters: [APIParameter]
    /// The schema of what it returns.
    public let returns: JSONValue
    /// Who may call it (`check`, `description`, `user`), as the schema says.
    public let permissions: JSONValue?
    /// Proxied to the node that owns the resource (`proxyto`), or run with root rights (`protected`).
    public let isProtected: Bool
    let segments: [APIPath.Segment]

    init(path: String, method: String, info: JSONValue) {
        self.path = path
        self.method = method
        description = info["description"]?.stringValue ?? ""
        let variables = Set(APIPath.templateVariables(path))
        var parameters: [APIParameter] = []
        if case let .object(properties)? = info["parameters"]?["properties"] {
            for (name, property) in properties {
                parameters.append(APIParameter(name: name, schema: property, inPath: variables.contains(name)))
            }
        }
        self.parameters = parameters.sorted { ($0.inPath ? 0 : 1, $0.name) < ($1.inPath ? 0 : 1, $1.name) }
        returns = info["returns"] ?? .object([:])
        permissions = info["permissions"]
        isProtected = info["protected"]?.boolValue == true
        segments = path.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? .variable(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    /// The parameter of that name; `ide2` is the schema's `ide[n]`.
    public func parameter(_ name: String) -> APIParameter? {
        if let exact = parameters.first(where: { $0.name == name }) { return exact }
        let stem = name.prefix { !$0.isNumber }
        let index = name.dropFirst(stem.count)
        guard !stem.isEmpty, !index.isEmpty, index.allSatisfy(\.isNumber) else { return nil }
        return parameters.first { $0.name == stem + "[n]" }
    }

    /// The path's variables, in order.
    public var pathVariables: [String] { APIPath.templateVariables(path) }

    static func methodOrder(_ method: String) -> Int { ["GET": 0, "POST": 1, "PUT": 2, "DELETE": 3][method] ?? 4 }
}

/// Concrete and template paths, split and checked: what may stand in a path segment.
public enum APIPath {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    /// The names in `{braces}` of a template.
    static func templateVariables(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    /// A path's segments. It must start with `/`; no empty, `.` or `..` segment; only the characters
    /// ids and names use (letters, digits, `-_.:@=+,!`), so nothing in it can reach a shell or
    /// another path.
    static func segments(_ path: String, templates: Bool = false) throws(ProxmoxError) -> [String] {
        guard path.hasPrefix("/") else { throw .invalidArgument(field: "path", reason: "must start with '/', e.g. /cluster/resources") }
        guard path.count <= 512 else { throw .invalidArgument(field: "path", reason: "longer than 512 characters") }
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let parts = trimmed == "/" ? [] : trimmed.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in parts {
            if part.isEmpty { throw .invalidArgument(field: "path", reason: "has an empty segment ('//')") }
            if part == "." || part == ".." { throw .invalidArgument(field: "path", reason: "may not contain '.' or '..' segments") }
            let allowed = part.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.:@=+,!".unicodeScalars.contains(scalar)
                    || (templates && (scalar == "{" || scalar == "}")))
            }
            if !allowed {
                throw .invalidArgument(field: "path", reason: "segment '\(part.prefix(40))' has a character no id or name uses (letters, digits, -_.:@=+,! only)")
            }
        }
        return parts
    }
}
