import VAECommands

VAECommand.main()
