# Installs the chart bundles of the HTML reports (Vega, Vega-Lite, vega-embed: their minified
# browser builds) from the npm registry into third_party/js/node_modules/<package>/build/, at the
# versions and with the integrity hashes pinned by third_party/js/package-lock.json. Run by
# scripts/setup.sh in script mode:
#
#   cmake -DJS_DIR=<repo>/third_party/js -P cmake/FetchChartBundles.cmake
#
# Why not `npm ci`: on a fresh Debian 12, the nodejs and npm packages pull about 450 other
# packages (apt alone then takes longer than the whole first run may); the reports need only
# three self-contained files of three npm tarballs. Each tarball is checked against its pinned
# SHA-512 (the lock file's "integrity"), so a tampered or truncated download is refused whatever
# the transport. A failure is a warning: reports then have no charts (outputs/HtmlReport.h).
cmake_minimum_required(VERSION 3.25)
if(NOT JS_DIR)
  message(FATAL_ERROR "FetchChartBundles: pass -DJS_DIR=<repo>/third_party/js")
endif()
file(READ "${JS_DIR}/package-lock.json" lock)
set(modules "${JS_DIR}/node_modules")
set(failed)
foreach(pkg vega vega-lite vega-embed)
  set(target "${modules}/${pkg}/build/${pkg}.min.js")
  string(JSON version GET "${lock}" packages "node_modules/${pkg}" version)
  string(JSON sri GET "${lock}" packages "node_modules/${pkg}" integrity)
  set(stamp "${modules}/${pkg}/.mosaic-fetched-${version}")
  if(EXISTS "${target}" AND EXISTS "${stamp}")
    continue()
  endif()
  if(NOT sri MATCHES "^sha512-([A-Za-z0-9+/=]+)$")
    message(FATAL_ERROR "FetchChartBundles: ${pkg}: no sha512 integrity in package-lock.json")
  endif()
  # Subresource-integrity base64 to hex, with coreutils' base64 and od (CMake has no decoder).
  execute_process(
    COMMAND sh -c "printf '%s' \"$1\" | base64 -d | od -An -v -tx1 | tr -d ' \\n'" sh
            "${CMAKE_MATCH_1}"
    OUTPUT_VARIABLE sha512 RESULT_VARIABLE rc)
  string(LENGTH "${sha512}" n)
  if(NOT rc EQUAL 0 OR NOT n EQUAL 128)
    message(FATAL_ERROR "FetchChartBundles: ${pkg}: cannot decode the integrity hash")
  endif()
  set(url "https://registry.npmjs.org/${pkg}/-/${pkg}-${version}.tgz")
  set(tgz "${modules}/.download/${pkg}-${version}.tgz")
  message(STATUS "setup: fetching ${pkg} ${version} (${url})")
  file(DOWNLOAD "${url}" "${tgz}" EXPECTED_HASH SHA512=${sha512} STATUS status)
  list(GET status 0 code)
  if(NOT code EQUAL 0)
    list(GET status 1 why)
    message(WARNING "FetchChartBundles: ${pkg} ${version}: download failed (${why})")
    list(APPEND failed ${pkg})
    file(REMOVE "${tgz}")
    continue()
  endif()
  set(unpack "${modules}/.download/${pkg}")
  file(REMOVE_RECURSE "${unpack}")
  file(ARCHIVE_EXTRACT INPUT "${tgz}" DESTINATION "${unpack}" PATTERNS "package/build/${pkg}.min.js")
  if(NOT EXISTS "${unpack}/package/build/${pkg}.min.js")
    message(WARNING "FetchChartBundles: ${pkg} ${version}: the tarball has no build/${pkg}.min.js")
    list(APPEND failed ${pkg})
    continue()
  endif()
  file(MAKE_DIRECTORY "${modules}/${pkg}/build")
  file(RENAME "${unpack}/package/build/${pkg}.min.js" "${target}")
  file(TOUCH "${target}")  # npm tarballs date their files 1985: the build must see a new bundle
  file(GLOB old_stamps "${modules}/${pkg}/.mosaic-fetched-*")
  if(old_stamps)
    file(REMOVE ${old_stamps})
  endif()
  file(TOUCH "${stamp}")
endforeach()
file(REMOVE_RECURSE "${modules}/.download")
if(failed)
  message(WARNING "FetchChartBundles: not installed: ${failed}; HTML reports will have no charts")
endif()
