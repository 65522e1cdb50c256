import ProxmoxCore

/// The simulator behind the runner protocol, in-process: what `serve --simulator` and `demo` use.
public struct SimulatedRunner: CommandRunner {
    /// The simulated cluster's state.
    public let store: StateStore
    /// The environment the simulated commands see (`PVE_SIM_NODE` picks qm/pct's local node).
    public let environment: [String: String]

    public init(store: StateStore = StateStore(), environment: [String: String] = [:]) {
        self.store = store
        self.environment = environment
    }

    public func run(_ command: Command) async throws -> CommandOutput {
        let clock = ContinuousClock()
        let start = clock.now
        var output = SimulatorCLI.run(program: command.program, arguments: Array(command.argv.dropFirst()),
                                      environment: environment, store: store)
        output.duration = clock.now - start
        return output
    }
}
