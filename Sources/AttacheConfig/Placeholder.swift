// placeholder (replaced by the manifest module)
