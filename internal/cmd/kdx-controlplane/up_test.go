package main

import (
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func TestRenameKubeconfig(t *testing.T) {
	in := clientcmdapi.NewConfig()
	in.Clusters["testenv"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:6443"}
	in.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: "a"}
	in.AuthInfos["restricted"] = &clientcmdapi.AuthInfo{Token: "r"}
	for _, u := range []string{"admin", "restricted"} {
		in.Contexts[u] = &clientcmdapi.Context{Cluster: "testenv", AuthInfo: u, Namespace: "default"}
	}
	in.CurrentContext = "admin"
	data, err := clientcmd.Write(*in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := renameKubeconfig(data, "b")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "b" || cfg.Clusters["b"].Server != "https://127.0.0.1:6443" ||
		cfg.AuthInfos["b"].Token != "a" || cfg.AuthInfos["b-restricted"].Token != "r" ||
		cfg.Contexts["b-restricted"].Cluster != "b" || len(cfg.Contexts) != 2 {
		t.Errorf("renamed kubeconfig:\n%s", out)
	}
}
