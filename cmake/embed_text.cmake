# Writes a C++ source defining wsest::internal::${VAR}, a string holding the text file IN, for the
# library to parse at start-up (so an EP that links wsest needs no data folder).
file(READ ${IN} content)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\nnamespace wsest::internal {\nextern const char ${VAR}[];\nconst char ${VAR}[] = R\"wsestdata(${content})wsestdata\";\n}  // namespace wsest::internal\n")
