# whsig CMake package (libwhsig, the C interface of swift-webhook-signature), installed by
# scripts/install-c-library into PREFIX/lib/cmake/whsig.
#
#   find_package(whsig CONFIG REQUIRED)          # configure with -DCMAKE_PREFIX_PATH=PREFIX
#   target_link_libraries(app PRIVATE whsig::whsig)
#
# Provides the imported target whsig::whsig: the shared library (SONAME libwhsig.so.1) and the
# directory of whsig.h. Relocatable: the prefix is computed from this file's location.
get_filename_component(_whsig_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(_whsig_library "${_whsig_prefix}/lib/libwhsig.so.1")
set(_whsig_include "${_whsig_prefix}/include")
if(NOT EXISTS "${_whsig_library}" OR NOT EXISTS "${_whsig_include}/whsig.h")
  set(whsig_FOUND FALSE)
  set(whsig_NOT_FOUND_MESSAGE
      "${_whsig_library} or ${_whsig_include}/whsig.h is missing: reinstall with scripts/install-c-library")
  unset(_whsig_prefix)
  unset(_whsig_library)
  unset(_whsig_include)
  return()
endif()
if(NOT TARGET whsig::whsig)
  add_library(whsig::whsig SHARED IMPORTED)
  set_target_properties(whsig::whsig PROPERTIES
    IMPORTED_LOCATION "${_whsig_library}"
    IMPORTED_SONAME "libwhsig.so.1"
    INTERFACE_INCLUDE_DIRECTORIES "${_whsig_include}")
endif()
unset(_whsig_prefix)
unset(_whsig_library)
unset(_whsig_include)
