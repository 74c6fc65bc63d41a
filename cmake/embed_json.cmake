# Writes a C++ source holding the JSON file IN as a string, for the library to parse at start-up.
file(READ ${IN} content)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\nnamespace wsest::internal {\nextern const char kDevicesJson[];\nconst char kDevicesJson[] = R\"wsestjson(${content})wsestjson\";\n}  // namespace wsest::internal\n")
