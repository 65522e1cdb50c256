/// Which guests a listing returns: every condition given must hold. Matching is done on the
/// parsed `/cluster/resources` rows, so one remote command answers any filter.
public struct GuestFilter: Sendable, Equatable {
    /// `running`, `stopped`, `paused`, ... exactly.
    public var status: String?
    /// Node name, case-insensitively.
    public var node: String?
    /// One tag the guest carries, case-insensitively.
    public var tag: String?
    /// Resource pool, exactly.
    public var pool: String?
    /// Name: a case-insensitive substring, or a glob when it holds `*` or `?` (`web-*`).
    public var name: String?
    /// Templates only (true) or no templates (false).
    public var template: Bool?

    public init(status: String? = nil, node: String? = nil, tag: String? = nil, pool: String? = nil, name: String? = nil,
                template: Bool? = nil) {
        self.status = status
        self.node = node
        self.tag = tag
        self.pool = pool
        self.name = name?.lowercased()
        self.template = template
    }

    public func matches(_ guest: GuestSummary) -> Bool {
        if let status, guest.status != status { return false }
        if let node, guest.node.lowercased() != node.lowercased() { return false }
        if let tag, !guest.tags.contains(where: { $0.lowercased() == tag.lowercased() }) { return false }
        if let pool, guest.pool != pool { return false }
        if let template, guest.template != template { return false }
        if let name {
            let own = (guest.name ?? "").lowercased()
            if name.contains("*") || name.contains("?") {
                if !Self.glob(Array(name.utf8), Array(own.utf8)) { return false }
            } else if !own.contains(name) {
                return false
            }
        }
        return true
    }

    /// `*` any run, `?` one character; iterative with one backtrack point, so no pattern is slow.
    static func glob(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0, t = 0
        var star = -1, mark = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}

/// One page of a guest listing: at most `limit` guests by id after the cursor, the count of all
/// that match, and the cursor of the next page.
public struct GuestPage: Sendable, Equatable {
    public var guests: [GuestSummary]
    /// Guests matching the filter, on every page.
    public var total: Int
    /// Pass as `cursor` for the next page; nil on the last.
    public var nextCursor: String?

    /// - Parameters:
    ///   - guests: sorted by id (as ``GuestSummary/parseList(_:)`` returns them).
    ///   - after: the id the previous page ended with (from its cursor), nil for the first page.
    public init(_ guests: [GuestSummary], filter: GuestFilter, limit: Int, after: Int?) {
        var page: [GuestSummary] = []
        var total = 0
        var last: Int?
        for guest in guests where filter.matches(guest) {
            total += 1
            guard after.map({ guest.vmid > $0 }) ?? true else { continue }
            if page.count < limit {
                page.append(guest)
            } else if last == nil {
                last = page.last?.vmid
            }
        }
        self.guests = page
        self.total = total
        nextCursor = last.map { Self.cursor(after: $0) }
    }

    /// The cursor of the page after the guest `vmid`: stable when guests come and go, as ids order it.
    public static func cursor(after vmid: Int) -> String { "after:\(vmid)" }

    /// The id a cursor continues after; nil for a malformed cursor.
    public static func id(fromCursor cursor: String) -> Int? {
        guard cursor.hasPrefix("after:"), let id = Int(cursor.dropFirst(6)), id >= 0 else { return nil }
        return id
    }
}
