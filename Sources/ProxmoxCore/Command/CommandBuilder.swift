/// Pure translation of an intent into the argv that carries it out, per command family.
public enum CommandBuilder {
    /// The command for `intent` in `family`.
    ///
    /// Listing has no cluster-wide `qm`/`pct` form: `qm list` and `pct list` see only the node they
    /// run on. Cluster-wide reads therefore always use pvesh, whatever family was asked for.
    public static func command(for intent: Intent, family: CommandFamily) -> Command {
        switch intent {
        case .listNodes:
            pvesh("get", "/nodes", readOnly: true)
        case .listGuests:
            // Filtering by kind and node happens on the parsed result: the endpoint's only filter is `type`.
            pvesh("get", "/cluster/resources", ["--type", "vm"], readOnly: true)
        }
    }

    /// `pvesh <verb> <path> [options] --output-format json`.
    static func pvesh(_ verb: String, _ path: String, _ options: [String] = [], readOnly: Bool) -> Command {
        Command(["pvesh", verb, path] + options + ["--output-format", "json"], isReadOnly: readOnly)
    }
}
