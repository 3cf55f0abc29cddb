import ArgumentParser
import PreferCommands

/// Runs `command` through ArgumentParser's asynchronous entry point.
func launch<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await command.main()
}

await launch(Prefer.self)
