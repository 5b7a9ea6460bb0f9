print("render-bench placeholder")
