# Packaging: install rules for the desktop integration files and CPack's DEB generator.
#   cmake --preset package && cmake --build build/package && (cd build/package && cpack -G DEB)
# -> build/package/slmq-workbench_<version>_amd64.deb with slmq, slmq-workbench, the compiled
# translations, desktop entry, hicolor icons (SVG + PNG sizes rendered from it at build time),
# AppStream metainfo and Debian docs. Dependencies come from the binaries (dpkg-shlibdeps).
# Included at the end of the top-level CMakeLists.txt.
if(NOT SLMQ_BUILD_UI)
  message(STATUS "Packaging: SLMQ_BUILD_UI is OFF, no .deb (the package needs the workbench)")
  return()
endif()
if(SLMQ_NATIVE)
  message(STATUS "Packaging: SLMQ_NATIVE is ON; a .deb for other machines must be built from the "
                 "'package' preset (SLMQ_NATIVE=OFF)")
endif()

include(GNUInstallDirs)
set(SLMQ_APP_ID io.github.slmq.Workbench)
set(SLMQ_ICON_NAME slmq-workbench)
set(SLMQ_ICON_SIZES 16 24 32 48 64 128 256 512)
set(_res ${PROJECT_SOURCE_DIR}/resources)
set(_pkg_out ${CMAKE_BINARY_DIR}/packaging)

# `cpack` runs the `preinstall` target; let it not rebuild everything (tests, benches) when the
# binaries it packages are already built.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

# --- icons: PNG sizes rendered from the SVG with Qt SVG (no extra Debian tool) -----------------
add_executable(slmq_svg_to_png ${PROJECT_SOURCE_DIR}/packaging/tools/svg_to_png.cpp)
target_link_libraries(slmq_svg_to_png PRIVATE Qt6::Gui Qt6::Svg)
set(_icon_svg ${_res}/icons/${SLMQ_ICON_NAME}.svg)
set(_icon_pngs)
foreach(_s ${SLMQ_ICON_SIZES})
  list(APPEND _icon_pngs ${_pkg_out}/icons/${_s}x${_s}/${SLMQ_ICON_NAME}.png)
endforeach()
add_custom_command(OUTPUT ${_icon_pngs}
  COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
          $<TARGET_FILE:slmq_svg_to_png> ${_icon_svg} ${_pkg_out}/icons ${SLMQ_ICON_SIZES}
  DEPENDS slmq_svg_to_png ${_icon_svg}
  COMMENT "Rendering ${SLMQ_ICON_NAME}.png at ${SLMQ_ICON_SIZES}" VERBATIM)

# --- Debian docs: copyright and a compressed changelog (lintian wants both) -------------------
configure_file(${PROJECT_SOURCE_DIR}/packaging/copyright.in ${_pkg_out}/copyright @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.in ${_pkg_out}/changelog @ONLY)
add_custom_command(OUTPUT ${_pkg_out}/changelog.gz
  COMMAND gzip -n -9 -c ${_pkg_out}/changelog > ${_pkg_out}/changelog.gz
  DEPENDS ${_pkg_out}/changelog VERBATIM)
add_custom_target(slmq_package_files ALL DEPENDS ${_icon_pngs} ${_pkg_out}/changelog.gz)

# --- install rules -----------------------------------------------------------------------------
install(FILES ${_res}/${SLMQ_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${_res}/${SLMQ_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${_icon_svg} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(_s ${SLMQ_ICON_SIZES})
  install(FILES ${_pkg_out}/icons/${_s}x${_s}/${SLMQ_ICON_NAME}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_s}x${_s}/apps)
endforeach()
# Compiled translations: qt_add_translations (ui/CMakeLists.txt) writes slmq_<lang>.qm next to
# slmq_ui and embeds them; the files are installed too, for translators and for inspection.
file(GLOB _ts_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/translations/*.ts)
set(_qm_files)
foreach(_ts ${_ts_files})
  get_filename_component(_n ${_ts} NAME_WE)
  list(APPEND _qm_files ${CMAKE_BINARY_DIR}/ui/${_n}.qm)
endforeach()
install(FILES ${_qm_files} DESTINATION ${CMAKE_INSTALL_DATADIR}/slmq-workbench/translations)
install(FILES ${_pkg_out}/copyright ${_pkg_out}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/slmq-workbench)

# --- CPack DEB -----------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME slmq-workbench)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "SLMQuant Workbench developers")
set(CPACK_PACKAGE_CONTACT "SLMQuant Workbench developers <slmq-workbench@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "workbench for quantizing small language models")
set(CPACK_PACKAGE_DESCRIPTION_FILE ${PROJECT_SOURCE_DIR}/packaging/description.txt)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # slmq-workbench_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/slmq/slmq-workbench")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The Qt platform plugins are loaded at run time, so dpkg-shlibdeps cannot see them.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-svg-plugins")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Directories 0755 whatever the builder's umask (lintian: non-standard-dir-perm).
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
    GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_PACKAGE_CHECKSUM SHA256)
include(CPack)
