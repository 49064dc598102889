{
  "targets": [
    {
      "target_name": "dnnl_conv",
      "sources": ["dnnl_conv.cc", "loops.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-fexceptions", "-ffp-contract=off", "-fno-math-errno"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldnnl", "-fopenmp"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-Xpreprocessor", "-fopenmp", "-ffp-contract=off", "-fno-math-errno"],
        "OTHER_LDFLAGS": ["-ldnnl", "-lomp"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "OpenMP": "true" } }
    }
  ]
}
