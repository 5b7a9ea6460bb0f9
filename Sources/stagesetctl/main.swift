import Foundation
import StageSetCLI

exit(await Stagesetctl.run(arguments: Array(CommandLine.arguments.dropFirst())))
