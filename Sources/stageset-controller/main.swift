import StageSetController

await ControllerCommand.runMain()
