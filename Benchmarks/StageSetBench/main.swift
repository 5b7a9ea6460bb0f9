import Foundation
print("placeholder")
