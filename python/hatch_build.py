"""Wheel build hook: bundles libwhsig into the package and tags the wheel for the platform.

scripts/build-python-wheel sets WHSIG_WHEEL_LIBRARY to the libwhsig.so it built; the wheel then
holds it as whsig/libwhsig.so.1, which whsig/__init__.py loads. The library is reached through
ctypes, not the CPython ABI, so one wheel serves every Python 3: tag py3-none-<platform>.
"""

import os
import sysconfig

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        library = os.environ.get("WHSIG_WHEEL_LIBRARY")
        if not library or not os.path.isfile(library):
            raise RuntimeError(
                "WHSIG_WHEEL_LIBRARY must name the built libwhsig.so "
                "(build the wheel with scripts/build-python-wheel OUTDIR)"
            )
        build_data["force_include"][library] = "whsig/libwhsig.so.1"
        build_data["pure_python"] = False
        platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        build_data["tag"] = "py3-none-" + platform
