import KubeModel
