export default function Home() {
  return <h1>TuneLab</h1>;
}
